-- Perceptual duplicates and the Google Drive archive.

-- exhibition_photos.perceptual_hash (from the initial schema) holds a 64-bit
-- DCT perceptual hash written as 16 lowercase hex digits. Two photos are
-- perceptual duplicates when their hashes differ in at most 4 bits
-- (store/photo_storage.rs explains the threshold). Cut into five bands
-- (hex digits 1-4, 5-7, 8-10, 11-13 and 14-16), two such hashes agree exactly
-- on at least one band (4 differing bits cannot touch 5 bands), so these five
-- indexes find every candidate of a distributor without reading all its
-- photos; the application then counts the differing bits. The queries must use
-- exactly these expressions (and `perceptual_hash IS NOT NULL`).
DROP INDEX photos_by_perceptual_hash;
CREATE INDEX photos_by_phash_band1 ON exhibition_photos (distributor_id, substr(perceptual_hash, 1, 4))
    WHERE perceptual_hash IS NOT NULL;
CREATE INDEX photos_by_phash_band2 ON exhibition_photos (distributor_id, substr(perceptual_hash, 5, 3))
    WHERE perceptual_hash IS NOT NULL;
CREATE INDEX photos_by_phash_band3 ON exhibition_photos (distributor_id, substr(perceptual_hash, 8, 3))
    WHERE perceptual_hash IS NOT NULL;
CREATE INDEX photos_by_phash_band4 ON exhibition_photos (distributor_id, substr(perceptual_hash, 11, 3))
    WHERE perceptual_hash IS NOT NULL;
CREATE INDEX photos_by_phash_band5 ON exhibition_photos (distributor_id, substr(perceptual_hash, 14, 3))
    WHERE perceptual_hash IS NOT NULL;

-- The earliest exhibition of the same distributor that this one possibly
-- duplicates (same Telegram file, same SHA-256 or a close perceptual hash).
-- Set together with possible_duplicate = 1; never a reason to reject by itself.
ALTER TABLE exhibitions ADD COLUMN duplicate_of TEXT REFERENCES exhibitions (id);

-- The photo's copy in the distributor's Google Drive folder (storage_link then
-- holds its webViewLink). NULL: not archived (local-only distributor, or the
-- archive task has not succeeded yet).
ALTER TABLE exhibition_photos ADD COLUMN drive_file_id TEXT;
