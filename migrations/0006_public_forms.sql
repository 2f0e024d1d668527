-- 0006_public_forms.sql: throttling of the public (no account) forms: one row per accepted submission, by the
-- sender's address, so every server sharing the database counts the same submissions.
CREATE TABLE public_form_submissions (
  id {{ID}},
  form TEXT NOT NULL,
  address TEXT NOT NULL,
  at {{BIGINT}} NOT NULL
);
CREATE INDEX public_form_submissions_address ON public_form_submissions (form, address, at);
