import { useNavigate } from "@solidjs/router";
import { TvBoard } from "../components/TvBoard";
import { t } from "../i18n";
import { useDocumentTitle } from "../lib/document";
import { useLiveRanking } from "../ranking/liveRanking";

/**
 * The TV mode of a signed-in person: the current month's ranking in full
 * screen, live, with a clock. Esc (or the button) goes back to the ranking.
 */
export default function Tv() {
  useDocumentTitle(() => t("ranking.tvMode"));
  const navigate = useNavigate();
  const live = useLiveRanking(() => null);
  return (
    <TvBoard live={live} exitLabel={t("tv.exit")} exitHint={t("tv.exitHint")} onExit={() => navigate("/ranking")} />
  );
}
