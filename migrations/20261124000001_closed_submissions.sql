-- Finished conversations are pruned after a while (the exhibition keeps what
-- matters); this index finds them without scanning the table.
CREATE INDEX pending_submissions_closed ON pending_submissions (updated_at)
    WHERE state IN ('done', 'expired', 'cancelled');
