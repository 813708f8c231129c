#include "form.h"

#include <stdlib.h>
#include <string.h>

void form_init(struct form *f)
{
	memset(f, 0, sizeof(*f));
	f->capacity = 1;
	f->written_lang = "en";
}

void form_deinit(struct form *f)
{
	free(f->name);
	free(f->department);
	free(f->field);
	free(f->language);
	free(f->topics);
	free(f->preference);
	free(f->pref_gender);
	free(f->pref_mentors);
	free(f->about);
	strlist_deinit(&f->errors);
	form_init(f);
}

int form_parse(const char *text, enum form_mode mode, struct form *f)
{
	(void)text;
	(void)mode;
	(void)f;
	return 0;
}

int form_detect(const char *text)
{
	(void)text;
	return 0;
}

const char *form_role_name(enum form_role role)
{
	return role == ROLE_MENTOR ? "mentor" : role == ROLE_MENTEE ? "mentee" : "";
}
