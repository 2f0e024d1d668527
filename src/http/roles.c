/* roles.c: role names as stored in the database and their catalogue labels. */
#include <string.h>
#include "http/req.h"

static const struct {
	enum role role;
	const char *name;
	const char *label_key;
} role_table[] = {
	{ROLE_ADMIN, "admin", "role.admin"},
	{ROLE_CHIEF, "chief", "role.chief"},
	{ROLE_SECRETARIAT, "secretariat", "role.secretariat"},
	{ROLE_MAYOR, "mayor", "role.mayor"},
	{ROLE_DIRECTORATE, "directorate", "role.directorate"},
	{ROLE_VIEWER, "viewer", "role.viewer"},
	{ROLE_INTEGRATION, "integration", "role.integration"},
};

enum role role_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof role_table / sizeof role_table[0]; i++)
		if (strcmp(role_table[i].name, name) == 0)
			return role_table[i].role;
	return 0;
}

const char *role_name(enum role role)
{
	for (size_t i = 0; i < sizeof role_table / sizeof role_table[0]; i++)
		if (role_table[i].role == role)
			return role_table[i].name;
	return "";
}

const char *role_label_key(enum role role)
{
	for (size_t i = 0; i < sizeof role_table / sizeof role_table[0]; i++)
		if (role_table[i].role == role)
			return role_table[i].label_key;
	return "role.unknown";
}
