// Placeholder so the workspace manifest parses; the client engineer replaces it with the real benchmark.
fn main() {}
