//! CenterMind shared backend.
