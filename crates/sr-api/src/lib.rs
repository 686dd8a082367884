//! The one facade the Tauri shell, the CLI and the tests call; DTOs with TypeScript bindings.
