/** The UI version (package.json `version`), injected at build time. */
export const APP_VERSION: string = __APP_VERSION__;
