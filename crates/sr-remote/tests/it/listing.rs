//! Listing as sync pulls it: everything by `updatedAt` ascending in pages, then only what changed
//! since a checkpoint (`searchQuery=updatedAt >= "…"`), and every folder.

use sr_emulator::SeedFile;
use sr_remote::*;

use crate::support::env;

fn file_ids(items: &[Item]) -> Vec<String> {
    items.iter().filter_map(Item::as_file).map(|f| f.file_id.clone()).collect()
}

async fn read_all(mut pages: Pages<'_>) -> (Vec<Item>, usize) {
    let (mut all, mut n) = (Vec::new(), 0);
    while let Some(page) = pages.next_page().await.unwrap() {
        n += 1;
        all.extend(page);
    }
    (all, n)
}

#[tokio::test]
async fn pages_list_by_updated_at_ascending_and_from_a_checkpoint() {
    let env = env().await;
    let seeds: Vec<SeedFile> =
        (0..23).map(|i| SeedFile::new(format!("/pull/d{}/f{i}.bin", i % 4), vec![i as u8])).collect();
    let seeded = env.emu.seed_files(&seeds).unwrap();
    let c = &env.client;

    let by_updated = ListQuery { sort: Some(Sort::AscUpdated), limit: Some(5), ..Default::default() };
    let (all, pages) = read_all(c.pages(&by_updated)).await;
    assert_eq!(file_ids(&all), seeded, "seeded in order");
    assert_eq!(pages, 5, "five pages of at most five, then the empty page ends it");

    // Two files change; from the newest stamp seen, only they come back, oldest change first.
    let checkpoint = all.iter().filter_map(Item::as_file).map(|f| f.updated_at).max().unwrap();
    c.add_tags(&[seeded[9].clone()], &["sale".into()]).await.unwrap();
    c.update_file_details(&seeded[2], UpdateFile { description: Some("changed".into()), ..Default::default() })
        .await
        .unwrap();
    let since = ListQuery {
        search_query: Some(format!(r#"updatedAt > "{}""#, checkpoint.format("%Y-%m-%dT%H:%M:%S%.3fZ"))),
        sort: Some(Sort::AscUpdated),
        limit: Some(1),
        ..Default::default()
    };
    let (changed, pages) = read_all(c.pages(&since)).await;
    assert_eq!(file_ids(&changed), [seeded[9].clone(), seeded[2].clone()]);
    assert_eq!(pages, 2);
    let f = changed[0].as_file().unwrap();
    assert!(f.updated_at > checkpoint && f.tags.as_deref() == Some(&["sale".to_string()][..]));

    // The requests say what the client asked for.
    let asked: Vec<_> = env
        .emu
        .request_log()
        .into_iter()
        .filter(|r| r.path == "/v1/files" && r.param("searchQuery").is_some())
        .collect();
    assert_eq!(asked.len(), 3, "two pages and the empty one");
    assert_eq!(asked[0].param("sort"), Some("ASC_UPDATED"));
    assert_eq!((asked[1].param("skip"), asked[1].param("limit")), (Some("1"), Some("1")));

    // Every folder, paged.
    let folders = ListQuery { type_: Some(ItemTypeFilter::Folder), limit: Some(2), ..Default::default() };
    let (items, _) = read_all(c.pages(&folders)).await;
    let mut paths: Vec<String> = items.iter().filter_map(Item::as_folder).map(|f| f.folder_path.clone()).collect();
    paths.sort();
    assert_eq!(paths, ["/pull", "/pull/d0", "/pull/d1", "/pull/d2", "/pull/d3"]);
    env.shutdown().await;
}

#[tokio::test]
async fn a_first_pull_reads_pages_of_a_thousand() {
    let env = env().await;
    let seeds: Vec<SeedFile> = (0..2_100).map(|i| SeedFile::new(format!("/big/f{i}.bin"), vec![1])).collect();
    let seeded = env.emu.seed_files(&seeds).unwrap();
    let q = ListQuery { sort: Some(Sort::AscUpdated), ..Default::default() };
    let (all, pages) = read_all(env.client.pages(&q)).await;
    assert_eq!(pages, 3, "the default page is the maximum, 1,000");
    assert_eq!(file_ids(&all), seeded);
    let sizes: Vec<usize> = env.emu.request_log().iter().map(|r| r.param("limit").unwrap().parse().unwrap()).collect();
    assert_eq!(sizes, [1000, 1000, 1000, 1000], "three pages and the empty one");
    env.shutdown().await;
}
