-- Verdicts the legacy import carried over from the old system, told apart from
-- verdicts given here: a later import run brings a verdict changed in the old
-- system only to exhibitions nobody has evaluated in CenterMind.
ALTER TABLE evaluation_events ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
