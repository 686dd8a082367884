//! A faithful local emulator of the remote media library API (axum on 127.0.0.1): the sandbox remote and the test double.
