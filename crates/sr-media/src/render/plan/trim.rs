//! Trims (`so`, `eo`, `du`), which compose across steps.

use sr_imagekit::transform::{Quantity, StepValues, format_number};

use super::planner::{Planner, secs};
use super::refusal::PlanError;
use super::types::{PlanKind, Trim};

impl Planner<'_, '_> {
    pub(super) fn trim(
        &mut self,
        n: usize,
        v: &StepValues,
        prev: Option<Trim>,
        duration: Option<f64>,
    ) -> Result<Trim, PlanError> {
        let base_start = prev.map_or(0.0, |t| t.start_s);
        let avail = match (prev, duration) {
            (Some(t), _) => t.end_s - t.start_s,
            (None, Some(d)) => d,
            (None, None) => f64::MAX,
        };
        let (w, h) = self.size;
        let num = |s: &Self, q: &Option<Quantity>| q.as_ref().and_then(|q| s.eval(q, w, h, None));
        let so = num(self, &v.start_offset).unwrap_or(0.0);
        let show = secs(avail);
        if so > 0.0 && so >= avail {
            let best = ((avail - 0.01).max(0.0)).floor();
            return Err(PlanError::TrimPastEnd {
                step: n,
                param: format!("so-{}", secs(so)),
                duration: show,
                suggestion: format!("so-{} or less", format_number(best)),
            });
        }
        let end = if let Some(eo) = num(self, &v.end_offset) {
            if eo > avail + 1e-6 {
                return Err(PlanError::TrimPastEnd {
                    step: n,
                    param: format!("eo-{}", secs(eo)),
                    duration: show,
                    suggestion: format!("eo-{} or less", format_number((avail * 100.0).floor() / 100.0)),
                });
            }
            if eo <= so {
                return Err(PlanError::TrimReversed {
                    step: n,
                    suggestion: format!("eo-{} or more", secs((so + 1.0).min(avail))),
                });
            }
            eo
        } else if let Some(du) = num(self, &v.duration) {
            if so + du > avail + 1e-6 {
                let left = ((avail - so) * 100.0).floor() / 100.0;
                return Err(PlanError::TrimPastEnd {
                    step: n,
                    param: format!("du-{}", secs(du)),
                    duration: show,
                    suggestion: format!("du-{} or less", format_number(left)),
                });
            }
            so + du
        } else {
            avail
        };
        if self.kind == PlanKind::Thumbnail {
            return Ok(Trim { start_s: base_start + so, end_s: base_start + so });
        }
        Ok(Trim { start_s: base_start + so, end_s: base_start + end.min(avail) })
    }
}
