import { HashRouter, Navigate, Route, type RouteSectionProps } from "@solidjs/router";
import { onCleanup, onMount, type JSX } from "solid-js";
import { Layout } from "./components/Layout";
import { RequireSession } from "./components/RequireSession";
import About from "./routes/About";
import AdminLayout from "./routes/admin/AdminLayout";
import DistributorSettings from "./routes/admin/DistributorSettings";
import Groups from "./routes/admin/Groups";
import Jobs from "./routes/admin/Jobs";
import Backups from "./routes/admin/Backups";
import LegacyImport from "./routes/admin/LegacyImport";
import PdvTypes from "./routes/admin/PdvTypes";
import TvTokens from "./routes/admin/TvTokens";
import Health from "./routes/admin/Health";
import Activity from "./routes/admin/Activity";
import Users from "./routes/admin/Users";
import Connect from "./routes/Connect";
import History from "./routes/History";
import Home from "./routes/Home";
import Kiosk from "./routes/Kiosk";
import Login from "./routes/Login";
import NotFound from "./routes/NotFound";
import Ranking from "./routes/Ranking";
import Reports from "./routes/Reports";
import Setup from "./routes/Setup";
import Tv from "./routes/Tv";
import Visor from "./routes/Visor";
import { installPageZoom } from "./lib/pageZoom";
import { startUp } from "./lib/session";

const guarded = (Screen: () => JSX.Element) => () => (
  <RequireSession>
    <Screen />
  </RequireSession>
);

/**
 * Hash routing: the bundle is built with `base: './'` and served by Tauri's
 * custom protocol, so every screen must load from the one index.html, also on
 * reload of a deep link.
 */
export function AppRoutes() {
  return (
    <>
      <Route path="/" component={guarded(Home)} />
      <Route path="/visor" component={guarded(Visor)} />
      <Route path="/history" component={guarded(History)} />
      <Route path="/ranking" component={guarded(Ranking)} />
      <Route path="/tv" component={guarded(Tv)} />
      <Route path="/reports" component={guarded(Reports)} />
      <Route
        path="/admin"
        component={(props: RouteSectionProps) => (
          <RequireSession>
            <AdminLayout {...props} />
          </RequireSession>
        )}
      >
        <Route path="/" component={() => <Navigate href="/admin/distributor" />} />
        <Route path="/distributor" component={DistributorSettings} />
        <Route path="/users" component={Users} />
        <Route path="/groups" component={Groups} />
        <Route path="/pdv-types" component={PdvTypes} />
        <Route path="/tv" component={TvTokens} />
        <Route path="/health" component={Health} />
        <Route path="/activity" component={Activity} />
        <Route path="/jobs" component={Jobs} />
        <Route path="/backups" component={Backups} />
        <Route path="/legacy" component={LegacyImport} />
      </Route>
      <Route path="/kiosk" component={Kiosk} />
      <Route path="/about" component={About} />
      <Route path="/connect" component={Connect} />
      <Route path="/login" component={Login} />
      <Route path="/setup" component={Setup} />
      <Route path="*404" component={NotFound} />
    </>
  );
}

export default function App() {
  onMount(() => {
    void startUp();
    onCleanup(installPageZoom());
  });
  return (
    <HashRouter root={Layout}>
      <AppRoutes />
    </HashRouter>
  );
}
