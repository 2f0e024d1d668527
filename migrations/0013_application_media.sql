-- 0013_application_media.sql: the URL of a photo or other media an applicant sent with an application (Open311's
-- media_url: http or https, at most 1000 characters, checked by store/applications.h app_create); '' when none.
ALTER TABLE applications ADD COLUMN media_url TEXT NOT NULL DEFAULT '';
