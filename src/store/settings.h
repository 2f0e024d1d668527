/* settings.h: the names of the administrator's settings in the `settings` table (read with setting_get, written
 * with setting_set of store/setup.h) and the values used while a setting is absent. Edited on /admin/settings. */
#ifndef KALEM_STORE_SETTINGS_H
#define KALEM_STORE_SETTINGS_H

/* The organisation, as printed on pages, letters and messages. */
#define SETTING_OFFICE_NAME "org.office_name"             /* default SETTING_OFFICE_NAME_DEFAULT */
#define SETTING_OFFICE_NAME_DEFAULT "Özel Kalem Müdürlüğü"
#define SETTING_MUNICIPALITY_NAME "org.municipality_name" /* default SETTING_MUNICIPALITY_NAME_DEFAULT */
#define SETTING_MUNICIPALITY_NAME_DEFAULT "Meram Belediyesi"
#define SETTING_DETSIS_UNIT "org.detsis_unit"             /* 8 digits (DETSİS unit number) or "" */

/* Outgoing e-mail. smtp.security is "none", "starttls" or "tls"; smtp.port "1".."65535" or "" (the default of
 * the security mode: 25, 587, 465). smtp.password is a secret: never shown, masked in the audit. */
#define SETTING_SMTP_HOST "smtp.host"
#define SETTING_SMTP_PORT "smtp.port"
#define SETTING_SMTP_USERNAME "smtp.username"
#define SETTING_SMTP_PASSWORD "smtp.password"
#define SETTING_SMTP_FROM_ADDRESS "smtp.from_address"
#define SETTING_SMTP_FROM_NAME "smtp.from_name"
#define SETTING_SMTP_SECURITY "smtp.security"             /* default "starttls" */

/* The SMS gateway: an HTTP(S) request per message. sms.method is "GET" or "POST"; the placeholders {to} (E.164)
 * and {text} appear in sms.url (GET) or sms.body_template (POST). sms.auth_header names a request header
 * (e.g. "Authorization") sent with the value sms.auth_value, a secret. */
#define SETTING_SMS_URL "sms.url"
#define SETTING_SMS_METHOD "sms.method"                   /* default "POST" */
#define SETTING_SMS_BODY_TEMPLATE "sms.body_template"
#define SETTING_SMS_AUTH_HEADER "sms.auth_header"
#define SETTING_SMS_AUTH_VALUE "sms.auth_value"
#define SETTING_SMS_SENDER_ID "sms.sender_id"

#endif
