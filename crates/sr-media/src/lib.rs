//! The only crate that touches libav*: probe, thumbnails, renders, ladders.
