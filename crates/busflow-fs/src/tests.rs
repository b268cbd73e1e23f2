use std::os::unix::fs::symlink;

use super::*;

fn fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("x.yaml");
    fifo(&path);
    let err = read_text(&path, &Limits::default()).expect_err("a FIFO is not read");
    assert!(
        matches!(
            err,
            ReadError::NotRegular {
                kind: FileKind::Fifo,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn dev_zero_is_refused_and_proc_files_are_capped() {
    let err = read_text(Path::new("/dev/zero"), &Limits::default()).expect_err("a device");
    assert!(err.to_string().contains("character device"), "{err}");
    // /proc files claim 0 bytes; the cap holds on what is read.
    let tiny = Limits { max_file_bytes: 4 };
    let err = read_text(Path::new("/proc/self/status"), &tiny).expect_err("over the cap");
    assert!(matches!(err, ReadError::TooLarge { limit: 4, .. }), "{err}");
}

#[test]
fn a_link_out_of_the_root_is_skipped_and_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    std::fs::write(root.join("a.yml"), "a: 1\n").expect("write");
    std::fs::write(dir.path().join("outside.yml"), "secret: 1\n").expect("write");
    symlink(
        "/proc/self/environ",
        root.join("docker-compose.production.yml"),
    )
    .expect("link");
    symlink(dir.path().join("outside.yml"), root.join("b.yml")).expect("link");
    symlink(root.join("a.yml"), root.join("c.yml")).expect("link");
    symlink(&root, root.join("sub/loop")).expect("link");
    fifo(&root.join("p.yaml"));
    symlink("/dev/zero", root.join("z.yaml")).expect("link");
    let r = Root::new(&root).expect("root");
    let walk = r
        .walk(&|_| true, &|p| p.extension().is_some_and(|e| e != "txt"))
        .expect("walk");
    assert_eq!(
        walk.files,
        vec![PathBuf::from("a.yml"), PathBuf::from("c.yml")]
    );
    let skipped: Vec<(String, &str)> = walk
        .skipped
        .iter()
        .map(|s| (s.path.display().to_string(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("b.yml".to_owned(), "a link that leads outside the folder"),
            (
                "docker-compose.production.yml".to_owned(),
                "a link that leads outside the folder"
            ),
            ("p.yaml".to_owned(), "a named pipe"),
            ("z.yaml".to_owned(), "a link that leads outside the folder"),
        ]
    );
    let err = r
        .read(Path::new("docker-compose.production.yml"))
        .expect_err("outside");
    assert!(matches!(err, ReadError::OutsideRoot { .. }), "{err}");
    assert_eq!(r.read(Path::new("c.yml")).expect("inside"), "a: 1\n");
}

#[test]
fn files_over_the_cap_are_skipped_by_a_walk() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("big.yml"), "x".repeat(100)).expect("write");
    let r = Root::new(dir.path())
        .expect("root")
        .with_limits(Limits { max_file_bytes: 10 });
    let walk = r.walk(&|_| true, &|_| true).expect("walk");
    assert!(walk.files.is_empty());
    assert_eq!(
        walk.skipped[0].to_string(),
        "big.yml: skipped, larger than the 10-byte cap per file"
    );
}

#[test]
fn not_utf8_says_where() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bin.yml");
    std::fs::write(&path, b"ab\xffcd").expect("write");
    let err = read_text(&path, &Limits::default()).expect_err("not text");
    assert!(matches!(err, ReadError::NotText { offset: 2, .. }), "{err}");
}

#[test]
fn a_relative_argument_that_links_out_of_the_current_folder_is_refused() {
    // The test's current folder is the crate's; a link inside target/ to
    // /proc/self/environ stands for one a pull request adds.
    let dir = tempfile::tempdir_in(".").expect("temp dir here");
    let link = dir.path().join("rules.yml");
    symlink("/proc/self/environ", &link).expect("link");
    let relative = link
        .strip_prefix(std::env::current_dir().expect("cwd"))
        .unwrap_or(&link)
        .to_path_buf();
    assert!(relative.is_relative(), "{}", relative.display());
    let err = read_arg(&relative, &Limits::default()).expect_err("outside");
    assert!(matches!(err, ReadError::OutsideRoot { .. }), "{err}");
    // A real file given relative is read.
    std::fs::write(dir.path().join("ok.yml"), "a: 1\n").expect("write");
    let ok = relative.with_file_name("ok.yml");
    assert_eq!(read_arg(&ok, &Limits::default()).expect("read"), "a: 1\n");
}
