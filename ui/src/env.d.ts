/// <reference types="vite/client" />

/** App version from package.json, injected by `define` in vite.config.ts. */
declare const __APP_VERSION__: string;
