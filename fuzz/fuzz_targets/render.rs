//! The human renderer on arbitrary file text and finding positions: never a
//! panic, and never more of a source line than a window.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u16, u16, u16, u16)| {
    let (text, line, column, end_line, end_column) = input;
    let mut sources = busflow::Sources::new();
    sources.insert("f.yml", text);
    let finding = busflow::Finding::new(
        "BUSFLOW-002",
        busflow::Severity::Error,
        "m",
        "f.yml",
        u32::from(line),
        u32::from(column),
    )
    .with_end(u32::from(end_line), u32::from(end_column));
    let report = busflow::Report::new(vec![finding], 0);
    let out = report.render(busflow::Format::Human, &sources, &busflow::catalog());
    for l in out.lines().filter(|l| l.contains(" | ")) {
        assert!(l.chars().count() <= 140, "{l}");
    }
});
