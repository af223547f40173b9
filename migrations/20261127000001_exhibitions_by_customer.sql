-- One shop's exhibitions, newest first (the visor's "historial del cliente").
CREATE INDEX exhibitions_by_customer ON exhibitions (distributor_id, customer_number, submitted_at, id);
