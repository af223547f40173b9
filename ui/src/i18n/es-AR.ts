/**
 * Source catalogue (es-AR). Every user-facing string of the app lives here.
 *
 * Rules:
 * - Nested objects group strings by screen / feature; leaves are plain strings.
 * - Placeholders are written `{name}` and filled by `t(key, { name })`.
 * - Every other locale must have exactly the same keys and placeholders
 *   (enforced by the `Messages` type and by `catalogue.test.ts`).
 */
export const esAR = {
  app: {
    name: "CenterMind",
    documentTitle: "{page} · CenterMind",
    skipToContent: "Saltar al contenido",
    version: "Versión {version}",
  },
  nav: {
    label: "Navegación principal",
    home: "Inicio",
  },
  locale: {
    label: "Idioma",
    "es-AR": "Español (Argentina)",
    en: "English",
  },
  start: {
    title: "CenterMind",
    tagline:
      "Revisá las exhibiciones que tus vendedores envían por Telegram, todo en un solo lugar.",
    today: "Hoy es {date}.",
    signInTitle: "Iniciar sesión",
    signInPending:
      "El inicio de sesión llega junto con el servidor. Por ahora no hace falta ingresar datos.",
    runtimeDesktop: "Aplicación de escritorio",
    runtimeBrowser: "Vista en navegador",
    featuresTitle: "Lo que viene",
    features: {
      visor: "Visor: revisión de exhibiciones pendientes",
      dashboard: "Tablero para TV: ranking mensual de vendedores",
      reports: "Reportes",
      admin: "Administración",
    },
  },
  notFound: {
    title: "Página no encontrada",
    body: "No existe ninguna pantalla en «{path}».",
    backHome: "Volver al inicio",
  },
} as const;
