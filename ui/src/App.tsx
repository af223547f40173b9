import { HashRouter, Route } from "@solidjs/router";
import { Layout } from "./components/Layout";
import NotFound from "./routes/NotFound";
import Start from "./routes/Start";

/**
 * Hash routing: the bundle is built with `base: './'` and served by Tauri's
 * custom protocol, so every screen must load from the one index.html, also on
 * reload of a deep link.
 */
export function AppRoutes() {
  return (
    <>
      <Route path="/" component={Start} />
      <Route path="*404" component={NotFound} />
    </>
  );
}

export default function App() {
  return (
    <HashRouter root={Layout}>
      <AppRoutes />
    </HashRouter>
  );
}
