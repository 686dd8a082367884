//! HTTP client for the remote media library (ImageKit API): typed errors, streamed uploads with progress.
