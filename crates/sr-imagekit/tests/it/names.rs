use sr_imagekit::names::*;

fn check(f: fn(&str) -> String, cases: &[(&str, &str)]) {
    for (input, want) in cases {
        assert_eq!(f(input), *want, "input {input:?}");
    }
}

#[test]
fn file_names_keep_letters_marks_numbers_dot_dash() {
    check(
        sanitize_file_name,
        &[
            ("photo.jpg", "photo.jpg"),
            ("Summer dress (red).jpg", "Summer_dress__red_.jpg"),
            ("a/b\\c.png", "a_b_c.png"),
            ("50%off!.webp", "50_off_.webp"),
            ("robe-été.jpg", "robe-été.jpg"),
            // Decomposed é (e + combining acute, as macOS stores names): the mark survives.
            ("cafe\u{301}.jpg", "cafe\u{301}.jpg"),
            ("商品写真.png", "商品写真.png"),
            ("نص.png", "نص.png"),
            ("²½.txt", "²½.txt"),
            ("tab\there.mp4", "tab_here.mp4"),
            ("emoji👗.jpg", "emoji_.jpg"),
            ("under_score.jpg", "under_score.jpg"),
            ("", ""),
        ],
    );
}

#[test]
fn folder_names_on_create_keep_only_letters_and_numbers() {
    check(
        sanitize_folder_name,
        &[
            ("summer", "summer"),
            ("summer-26", "summer_26"),
            ("summer_26", "summer_26"),
            ("a b", "a_b"),
            ("été", "été"),
            ("a/b", "a_b"),
        ],
    );
}

#[test]
fn folder_names_on_rename_also_keep_dashes() {
    check(
        sanitize_rename_folder_name,
        &[("summer-26", "summer-26"), ("summer_26", "summer_26"), ("new name!", "new_name_"), ("Ünïcode", "Ünïcode")],
    );
}

#[test]
fn folder_paths_are_canonical() {
    let cases = [
        ("", "/"),
        ("/", "/"),
        ("///", "/"),
        ("images", "/images/"),
        ("/images/folder/", "/images/folder/"),
        ("images//folder", "/images/folder/"),
        ("/sales banner/2026 SS/", "/sales_banner/2026_SS/"),
        ("/a/../b", "/a/__/b/"),
        ("/ok_name/with-dash/", "/ok_name/with-dash/"),
        ("/été/", "/été/"),
    ];
    for (input, want) in cases {
        assert_eq!(normalize_folder_path(input).as_deref(), Ok(want), "input {input:?}");
    }
}

#[test]
fn folder_depth_is_limited_to_fifty() {
    let fifty = "/x".repeat(50);
    assert_eq!(normalize_folder_path(&fifty).unwrap().matches('/').count(), 51);
    let err = normalize_folder_path(&"/x".repeat(51)).unwrap_err();
    assert_eq!(err, NameError::FolderTooDeep { depth: 51, max: MAX_FOLDER_DEPTH });
    let msg = err.to_string();
    assert!(msg.contains("51 folders deep") && msg.contains("at most 50"), "{msg}");
}

#[test]
fn file_paths_split_and_join() {
    assert_eq!(split_file_path("/a/b/x.jpg"), ("/a/b/".into(), "x.jpg".into()));
    assert_eq!(split_file_path("/x.jpg"), ("/".into(), "x.jpg".into()));
    assert_eq!(split_file_path("x.jpg"), ("/".into(), "x.jpg".into()));
    assert_eq!(split_file_path("a/x.jpg"), ("/a/".into(), "x.jpg".into()));
    assert_eq!(join_file_path("/a/b/", "x.jpg"), "/a/b/x.jpg");
    assert_eq!(join_file_path("/", "x.jpg"), "/x.jpg");
    assert_eq!(join_file_path("a", "x.jpg"), "/a/x.jpg");
    let (folder, name) = split_file_path("/products/dresses/red.jpg");
    assert_eq!(join_file_path(&folder, &name), "/products/dresses/red.jpg");
}

#[test]
fn unique_suffix_goes_before_the_extension() {
    assert_eq!(with_unique_suffix("image.jpg", "iEyH1dQme"), "image_iEyH1dQme.jpg");
    assert_eq!(with_unique_suffix("Poppins-Regular.ttf", "Q15GrYWmL"), "Poppins-Regular_Q15GrYWmL.ttf");
    assert_eq!(with_unique_suffix("archive.tar.gz", "abc"), "archive.tar_abc.gz");
    assert_eq!(with_unique_suffix("README", "abc"), "README_abc");
    assert_eq!(with_unique_suffix(".env", "abc"), ".env_abc");
}

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn tags_field_is_split_trimmed_and_deduplicated() {
    assert_eq!(parse_tags_field("t-shirt,round-neck,men"), tags(&["t-shirt", "round-neck", "men"]));
    assert_eq!(parse_tags_field(" summer , dress ,,summer"), tags(&["summer", "dress"]));
    assert_eq!(parse_tags_field(""), Vec::<String>::new());
    assert_eq!(tags_field(&tags(&["summer", "dress"])), "summer,dress");
    assert_eq!(parse_tags_field(&tags_field(&tags(&["a b", "c"]))), tags(&["a b", "c"]));
}

#[test]
fn valid_tags_pass() {
    assert_eq!(validate_tags(&tags(&["summer", "dress", "SS26"])), Ok(()));
    assert_eq!(validate_tags(&[]), Ok(()));
    // Exactly 500 characters, counted as characters not bytes.
    assert_eq!(validate_tags(&[String::from("é").repeat(250), "x".repeat(250)]), Ok(()));
}

#[test]
fn percent_sign_is_refused_naming_the_tag() {
    let err = validate_tags(&tags(&["summer", "50%off"])).unwrap_err();
    assert_eq!(err, TagError::Percent { tag: "50%off".into() });
    assert!(err.to_string().contains("\"50%off\""), "{err}");
}

#[test]
fn empty_tag_is_refused_with_its_position() {
    let err = validate_tags(&tags(&["summer", "  "])).unwrap_err();
    assert_eq!(err, TagError::Empty { position: 2 });
    assert!(err.to_string().contains("Tag number 2 is empty"), "{err}");
}

#[test]
fn tags_over_500_characters_are_refused() {
    let err = validate_tags(&["x".repeat(300), "y".repeat(201)]).unwrap_err();
    assert_eq!(err, TagError::TooLong { total: 501, max: 500 });
    assert!(err.to_string().contains("501 characters"), "{err}");
}
