//! Telegram side of CenterMind.
