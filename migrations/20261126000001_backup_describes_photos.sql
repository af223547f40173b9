-- The backup job now also keeps a copy of the photos, in the configurable
-- backup folder (`backup_dir`). Its description says so, unless an
-- administrator already wrote their own.
UPDATE jobs
SET description = 'Copia completa y verificada de la base de datos en la carpeta de copias (backup_dir; por omisión backups/ en la carpeta de datos), más las fotos nuevas en su subcarpeta photos/; se guardan las 7 copias de la base más recientes y todas las fotos.'
WHERE id = 'backup'
  AND description = 'Copia completa y verificada de la base de datos en la carpeta backups/ de los datos; se guardan las 7 más recientes.';
