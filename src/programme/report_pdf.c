/* The edition report as a PDF a committee can show: A4, one or two pages,
 * drawn with cairo (its PDF surface) and pango (text, in the packaged
 * DejaVu Sans), in English or French. Every figure is read from the tables
 * report.c builds for the text and the CSV (report_private.h), so a chart
 * shows only what the text shows: a hidden value ("fewer than 3",
 * REPORT_HIDDEN) is written, never drawn as a bar, and a chart whose every
 * value is hidden becomes a sentence. The only module that includes cairo
 * and pango. */
#include "report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_private.h"
#include "util.h"

#define PAGE_W 595.276  /* A4 in points */
#define PAGE_H 841.890
#define MARGIN 36.0
#define GUTTER 20.0
#define COL_W ((PAGE_W - 2 * MARGIN - GUTTER) / 2)
#define LABEL_W 96.0    /* a chart's row labels */
#define VALUE_W 48.0    /* room for a value beside its bar: "fewer than 3" */
#define BAR_H 6.5
#define FOOT 24.0       /* the page number's band */
#define PAGES_MAX 2
#define SERIES_MAX 3
#define QUOTE_LINES 6
#define FONT "DejaVu Sans"
#define NOTHING_DRAWN "Nothing to draw: every figure of this chart is 0, fewer than 3, or would" \
	" let one be worked out (see the text)."

/* Fills told apart in grey print by their lightness, each bar outlined. */
static const double fills[SERIES_MAX][3] = {
	{ 0.12, 0.25, 0.45 },   /* dark blue: grey 22% */
	{ 0.90, 0.55, 0.20 },   /* orange: grey 62% */
	{ 0.85, 0.88, 0.92 },   /* pale blue-grey: grey 88% */
};

/* The French of every label, title and word the PDF shows. */
static const struct {
	const char *en, *fr;
} words[] = {
	{ "mentors", "mentors" },
	{ "mentees", "mentoré·es" },
	{ "pairs", "binômes" },
	{ "people", "personnes" },
	{ "volunteered or applied", "se sont proposés ou ont postulé" },
	{ "confirmed", "confirmé·es" },
	{ "carried over from a waitlist", "reporté·es d'une liste d'attente" },
	{ "waitlisted", "en liste d'attente" },
	{ "pairs formed", "binômes formés" },
	{ "answering a check-in", "ont répondu à un point d'étape" },
	{ "reported having met, at a check-in", "se sont rencontrés, selon un point d'étape" },
	{ "took a pause", "ont fait une pause" },
	{ "ended early", "arrêtés avant la fin" },
	{ "going on after the programme", "continuent après le programme" },
	{ "accepted", "oui" },
	{ "tentative", "peut-être" },
	{ "declined", "non" },
	{ "did not answer", "sans réponse" },
	{ "usefulness 5, very useful", "utilité 5, très utile" },
	{ "usefulness 4", "utilité 4" },
	{ "usefulness 3", "utilité 3" },
	{ "usefulness 2", "utilité 2" },
	{ "usefulness 1, not useful", "utilité 1, pas utile" },
	{ "met weekly or more", "chaque semaine ou plus" },
	{ "every two weeks", "toutes les deux semaines" },
	{ "about monthly", "environ chaque mois" },
	{ "less often", "moins souvent" },
	{ "never met", "jamais rencontrés" },
	{ "as a mentor", "comme mentor" },
	{ "as a mentee", "comme mentoré·e" },
	{ "in either role", "dans l'un ou l'autre rôle" },
	{ "role not said", "rôle non précisé" },
	{ "mentors applied", "mentors candidats" },
	{ "mentees applied", "mentoré·es candidats" },
	{ "pairs sharing a department", "binômes du même service" },
	{ "pairs sharing a field", "binômes du même domaine" },
	{ "training invitations accepted", "invitations à une formation acceptées" },
	{ "mean usefulness, of 5", "utilité moyenne, sur 5" },
	{ "willing to take part again", "prêts à participer de nouveau" },
	{ "fewer than 3", "moins de 3" },
	{ REPORT_HIDDEN, "masqué" },
	{ "edition report", "bilan de l'édition" },
	{ "cohort", "cohorte" },
	{ "opened", "ouverte le" },
	{ "closed", "close le" },
	{ "still open", "encore ouverte" },
	{ "personal data anonymised", "données personnelles anonymisées le" },
	{ "applications", "candidatures" },
	{ "answered the feedback", "ont répondu au questionnaire" },
	{ "mean usefulness", "utilité moyenne" },
	{ "Applications by role, and what became of them",
	  "Candidatures par rôle, et ce qu'elles sont devenues" },
	{ "Answers to the training invitations", "Réponses aux invitations à la formation" },
	{ "No training session.", "Aucune séance de formation." },
	{ "Check-ins: pairs", "Points d'étape : binômes" },
	{ "How often they met, in the feedback", "Fréquence des rencontres, selon le questionnaire" },
	{ "How useful the programme was", "Utilité du programme" },
	{ "mean", "moyenne" },
	{ "of 5", "sur 5" },
	{ "Taking part again, and as what", "Participer de nouveau, et comme quoi" },
	{ "Quotes their authors allowed", "Citations que leurs auteurs ont autorisées" },
	{ "none", "aucune" },
	{ "removed with the personal data", "supprimées avec les données personnelles" },
	{ "withheld: naming someone", "retenues : elles nomment quelqu'un" },
	{ "more in the text of the e-mail", "de plus dans le texte du courriel" },
	{ "more sessions in the text of the e-mail", "séances de plus dans le texte du courriel" },
	{ "paired", "en binôme" },
	{ "The programme across editions: applications and pairs",
	  "Le programme au fil des éditions : candidatures et binômes" },
	{ "The programme across editions: pairs sharing", "Le programme au fil des éditions : binômes" },
	{ "The programme across editions: training, return, waitlist",
	  "Le programme au fil des éditions : formation, retour, attente" },
	{ "The programme across editions: usefulness", "Le programme au fil des éditions : utilité" },
	{ "earlier editions not shown", "éditions antérieures non montrées" },
	{ "page", "page" },
	{ NOTHING_DRAWN,
	  "Rien à dessiner : chaque chiffre de ce graphique vaut 0, moins de 3, ou permettrait d'en"
	  " déduire un (voir le texte)." },
	{ "The rest of the report is in the text of the e-mail.",
	  "La suite du bilan est dans le texte du courriel." },
	{ "Counts of 1 or 2 show as \"fewer than 3\", and a total or a mean that would let one be "
	  "worked out as \"hidden\": no figure points to a person. Every figure is also in the text "
	  "of the e-mail and in its CSV.",
	  "Un nombre de 1 ou 2 est écrit « moins de 3 », et un total ou une moyenne qui permettrait "
	  "d'en déduire un, « masqué » : aucun chiffre ne désigne une personne. Tous les chiffres "
	  "sont aussi dans le texte du courriel et dans son CSV." },
};

struct pdf {
	cairo_t *cr;
	PangoLayout *layout;
	int fr;
	int page;          /* 0, 1 */
	int col;           /* 0, 1 */
	double y, top;     /* in the current column; top: where columns start on this page */
	int full;          /* no room left: the rest is in the mail's text */
	int cut;           /* something was left out */
};

static const char *tr(const struct pdf *p, const char *en)
{
	size_t i;

	if (!p->fr)
		return en;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(words[i].en, en) == 0)
			return words[i].fr;
	return en;
}

/* ---- text ---- */

static void font(struct pdf *p, double size, int bold, int italic)
{
	PangoFontDescription *d = pango_font_description_new();

	pango_font_description_set_family(d, FONT);
	pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
	pango_font_description_set_weight(d, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(d, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(p->layout, d);
	pango_font_description_free(d);
}

/* Lays s out in width (0: one line), at most lines lines (0: all); its
 * height, and its width in *w_r when given. */
static double measure(struct pdf *p, const char *s, double width, int lines, double *w_r)
{
	int w, h;

	pango_layout_set_text(p->layout, s, -1);
	pango_layout_set_width(p->layout, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_height(p->layout, lines > 0 ? -lines : -1);
	pango_layout_set_ellipsize(p->layout, lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
	pango_layout_get_size(p->layout, &w, &h);
	if (w_r != NULL)
		*w_r = (double)w / PANGO_SCALE;
	return (double)h / PANGO_SCALE;
}

static double text(struct pdf *p, double x, double y, const char *s, double width, int lines)
{
	double h = measure(p, s, width, lines, NULL);

	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->layout);
	return h;
}

static void grey(struct pdf *p, double g)
{
	cairo_set_source_rgb(p->cr, g, g, g);
}

/* ---- the page's flow: two columns on each of two pages ---- */

static double col_x(const struct pdf *p)
{
	return MARGIN + p->col * (COL_W + GUTTER);
}

static void footer(struct pdf *p)
{
	char s[32];

	font(p, 7, 0, 0);
	grey(p, 0.35);
	snprintf(s, sizeof(s), "%s %d", tr(p, "page"), p->page + 1);
	text(p, MARGIN, PAGE_H - MARGIN + 8, s, 0, 0);
}

/* Room for a block of height h: in this column, the next, or the next
 * page's; 0 when two pages are full. */
static int room(struct pdf *p, double h)
{
	if (p->full)
		return 0;
	while (p->y + h > PAGE_H - MARGIN - FOOT) {
		if (p->col == 0 && p->y > p->top) {
			p->col = 1;
			p->y = p->top;
		} else if (p->page + 1 < PAGES_MAX) {
			footer(p);
			cairo_show_page(p->cr);
			p->page++;
			p->col = 0;
			p->y = p->top = MARGIN;
		} else {
			p->full = p->cut = 1;
			return 0;
		}
	}
	return 1;
}

/* ---- values ---- */

/* A table value: 1 with the number when it is drawn (a count, a share, a
 * mean), 0 when it is written only (hidden, none). */
static int value_of(const char *v, double *n_r)
{
	char *end = NULL;
	double n;

	if (v[0] < '0' || v[0] > '9')
		return 0;
	n = strtod(v, &end);
	if (end == NULL || (*end != '\0' && strcmp(end, "%") != 0))
		return 0;
	*n_r = n;
	return 1;
}

static const struct table *find_table(const struct tables *ts, const char *title)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].title, title) == 0)
			return &ts->t[i];
	return NULL;
}

static const struct row *find_row(const struct table *t, const char *label)
{
	size_t i;

	for (i = 0; t != NULL && i < t->nrows; i++)
		if (strcmp(t->rows[i].label, label) == 0)
			return &t->rows[i];
	return NULL;
}

/* ---- charts: horizontal bars, a row per label, a bar per series ---- */

struct chart {
	const char *title;       /* translated by the caller */
	const char *series[SERIES_MAX];
	size_t nseries;
	const char *labels[ROWS_MAX];
	const char *v[ROWS_MAX][SERIES_MAX]; /* NULL: no bar there */
	size_t nrows;
	double scale;            /* the longest bar's value; 0: the largest value */
	int legend;              /* a legend even for one series */
	char caption[160];
};

/* The legend's swatches and names, wrapped in the column; its height.
 * Drawn at y when draw is set. */
static double legend(struct pdf *p, const struct chart *c, double y, int draw)
{
	double x = col_x(p), w, h = 0;
	size_t k;

	if (c->nseries < 2 && !c->legend)
		return 0;
	font(p, 7, 0, 0);
	for (k = 0; k < c->nseries; k++) {
		measure(p, c->series[k], 0, 0, &w);
		if (x > col_x(p) && x + 11 + w > col_x(p) + COL_W) {
			x = col_x(p);
			h += 10;
		}
		if (draw) {
			cairo_rectangle(p->cr, x, y + h + 2, 8, 6);
			cairo_set_source_rgb(p->cr, fills[k][0], fills[k][1], fills[k][2]);
			cairo_fill_preserve(p->cr);
			grey(p, 0.2);
			cairo_set_line_width(p->cr, 0.5);
			cairo_stroke(p->cr);
			text(p, x + 11, y + h, c->series[k], 0, 0);
		}
		x += 11 + w + 10;
	}
	return h + 12;
}

static double row_h(struct pdf *p, const struct chart *c, size_t i)
{
	size_t k, bars = 0;
	double lh;

	for (k = 0; k < c->nseries; k++)
		bars += c->v[i][k] != NULL;
	font(p, 7, 0, 0);
	lh = measure(p, c->labels[i], LABEL_W - 4, 3, NULL);
	return (bars * (BAR_H + 1) > lh ? bars * (BAR_H + 1) : lh) + 4;
}

static double chart_h(struct pdf *p, const struct chart *c, int drawn)
{
	double h;
	size_t i;

	font(p, 8.5, 1, 0);
	h = measure(p, c->title, COL_W, 0, NULL) + 4;
	if (!drawn) {
		font(p, 7.5, 0, 1);
		return h + measure(p, tr(p, NOTHING_DRAWN), COL_W, 0, NULL) + 10;
	}
	h += legend(p, c, 0, 0);
	for (i = 0; i < c->nrows; i++)
		h += row_h(p, c, i);
	if (c->caption[0] != '\0') {
		font(p, 7.5, 0, 0);
		h += measure(p, c->caption, COL_W, 0, NULL) + 2;
	}
	return h + 10;
}

static void chart(struct pdf *p, struct chart *c)
{
	double y, max = 0, n, x0, bw, w, lh;
	size_t i, k;
	int drawn = 0, hidden = 0;

	/* not drawn: no bar, and some value hidden (all zero is drawn) */
	for (i = 0; i < c->nrows; i++)
		for (k = 0; k < c->nseries; k++) {
			if (c->v[i][k] == NULL)
				continue;
			if (!value_of(c->v[i][k], &n)) {
				hidden |= strcmp(c->v[i][k], "-") != 0;
				continue;
			}
			drawn |= n > 0;
			if (n > max)
				max = n;
		}
	drawn |= !hidden;
	if (c->scale > 0)
		max = c->scale;
	if (!room(p, chart_h(p, c, drawn)))
		return;
	y = p->y;
	font(p, 8.5, 1, 0);
	grey(p, 0);
	y += text(p, col_x(p), y, c->title, COL_W, 0) + 4;
	if (!drawn) {
		font(p, 7.5, 0, 1);
		grey(p, 0.25);
		y += text(p, col_x(p), y, tr(p, NOTHING_DRAWN), COL_W, 0);
		p->y = y + 10;
		return;
	}
	y += legend(p, c, y, 1);
	x0 = col_x(p) + LABEL_W;
	bw = COL_W - LABEL_W - VALUE_W;
	for (i = 0; i < c->nrows; i++) {
		double rh = row_h(p, c, i), by = y + 2;

		font(p, 7, 0, 0);
		grey(p, 0);
		text(p, col_x(p), y + 1, c->labels[i], LABEL_W - 4, 3);
		for (k = 0; k < c->nseries; k++) {
			const char *v = c->v[i][k];

			if (v == NULL)
				continue;
			w = 0;
			if (value_of(v, &n) && max > 0)
				w = bw * (n > max ? 1 : n / max);
			if (w > 0) {
				cairo_rectangle(p->cr, x0, by, w, BAR_H);
				cairo_set_source_rgb(p->cr, fills[k][0], fills[k][1], fills[k][2]);
				cairo_fill_preserve(p->cr);
				grey(p, 0.2);
				cairo_set_line_width(p->cr, 0.5);
				cairo_stroke(p->cr);
			}
			/* the value beside its bar; a hidden one, alone and slanted */
			font(p, 6.5, 0, !value_of(v, &n));
			grey(p, value_of(v, &n) ? 0 : 0.3);
			lh = measure(p, tr(p, v), 0, 0, NULL);
			text(p, x0 + w + 2, by + BAR_H / 2 - lh / 2, tr(p, v), 0, 0);
			by += BAR_H + 1;
		}
		/* the axis */
		grey(p, 0.5);
		cairo_set_line_width(p->cr, 0.5);
		cairo_move_to(p->cr, x0, y);
		cairo_line_to(p->cr, x0, y + rh);
		cairo_stroke(p->cr);
		y += rh;
	}
	if (c->caption[0] != '\0') {
		font(p, 7.5, 0, 0);
		grey(p, 0);
		y += text(p, col_x(p), y + 1, c->caption, COL_W, 0) + 2;
	}
	p->y = y + 10;
}

/* A chart of rows of one table, its first ncols columns the series. */
/* A chart of the rows labels of table t (NULL: none), its columns the
 * series, or one series named single; with a caption (may be NULL). */
static void table_chart(struct pdf *p, const struct table *t, const char *title,
    const char *const *labels, size_t nlabels, const char *single, const char *caption)
{
	struct chart c;
	const struct row *w;
	size_t i, k;

	if (t == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.title = title;
	c.legend = single == NULL;
	c.nseries = single != NULL ? 1 : t->ncols;
	for (k = 0; k < c.nseries; k++)
		c.series[k] = single != NULL ? single : tr(p, t->cols[k]);
	for (i = 0; i < nlabels; i++) {
		if ((w = find_row(t, labels[i])) == NULL)
			continue;
		c.labels[c.nrows] = tr(p, labels[i]);
		for (k = 0; k < c.nseries; k++)
			c.v[c.nrows][k] = w->v[k];
		c.nrows++;
	}
	if (caption != NULL)
		str_copy(c.caption, sizeof(c.caption), caption);
	chart(p, &c);
}

/* ---- the parts ---- */

/* By role, each outcome a row; the pairs formed a row of their own. */
static void applications(struct pdf *p, const struct tables *ts, const char *const *labels,
    size_t n)
{
	const struct table *t = find_table(ts, "Applications");
	const struct row *w, *pairs = find_row(find_table(ts, "Pairs"), "pairs formed");
	struct chart c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.title = tr(p, "Applications by role, and what became of them");
	c.nseries = 3;
	c.series[0] = tr(p, "mentors");
	c.series[1] = tr(p, "mentees");
	c.series[2] = tr(p, "pairs");
	for (i = 0; i < n; i++) {
		if ((w = find_row(t, labels[i])) == NULL)
			continue;
		c.labels[c.nrows] = tr(p, labels[i]);
		c.v[c.nrows][0] = w->v[0];
		c.v[c.nrows][1] = w->v[1];
		c.nrows++;
		if (i == 1 && pairs != NULL) {
			c.labels[c.nrows] = tr(p, "paired");
			c.v[c.nrows++][2] = pairs->v[0];
		}
	}
	chart(p, &c);
}

static void header(struct pdf *p, const struct report *r, const char *programme)
{
	char title[512], dates[256], d[16];
	size_t n;

	snprintf(title, sizeof(title), "%s%s%s, %s %s", programme != NULL ? programme : "",
	    programme != NULL ? " \xe2\x80\x94 " : "", tr(p, "edition report"), tr(p, "cohort"),
	    r->cohort);
	font(p, 15, 1, 0);
	grey(p, 0);
	p->y += text(p, MARGIN, p->y, title, PAGE_W - 2 * MARGIN, 3) + 3;
	time_local_date(r->opened, d, sizeof(d));
	n = (size_t)snprintf(dates, sizeof(dates), "%s %s", tr(p, "opened"), d);
	if (r->closed > 0) {
		time_local_date(r->closed, d, sizeof(d));
		n += (size_t)snprintf(dates + n, sizeof(dates) - n, ", %s %s", tr(p, "closed"), d);
	} else {
		n += (size_t)snprintf(dates + n, sizeof(dates) - n, ", %s", tr(p, "still open"));
	}
	if (r->anonymised > 0 && n < sizeof(dates)) {
		time_local_date(r->anonymised, d, sizeof(d));
		snprintf(dates + n, sizeof(dates) - n, "; %s %s", tr(p, "personal data anonymised"), d);
	}
	font(p, 9, 0, 0);
	p->y += text(p, MARGIN, p->y, dates, PAGE_W - 2 * MARGIN, 0) + 3;
	font(p, 7.5, 0, 1);
	grey(p, 0.25);
	p->y += text(p, MARGIN, p->y, tr(p, "Counts of 1 or 2 show as \"fewer than 3\", and a total or"
	    " a mean that would let one be worked out as \"hidden\": no figure points to a person."
	    " Every figure is also in the text of the e-mail and in its CSV."), PAGE_W - 2 * MARGIN,
	    0) + 8;
}

static void key_figures(struct pdf *p, const struct tables *ts)
{
	static const struct {
		const char *table, *row, *name;
		size_t col;
	} keys[] = {
		{ "Applications", "volunteered or applied", "applications", 2 },
		{ "Pairs", "pairs formed", "pairs formed", 0 },
		{ "Feedback", "answered", "answered the feedback", 0 },
		{ "Feedback", "mean usefulness, of 5", "mean usefulness", 0 },
		{ "Feedback", "willing to take part again", "willing to take part again", 0 },
	};
	double w = (PAGE_W - 2 * MARGIN) / ARRAY_SIZE(keys), x, h = 0, vh;
	const struct row *row;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *v;

		row = find_row(find_table(ts, keys[i].table), keys[i].row);
		v = row != NULL ? row->v[keys[i].col] : "-";
		x = MARGIN + i * w;
		cairo_rectangle(p->cr, x + 2, p->y, w - 4, 46);
		grey(p, 0.93);
		cairo_fill(p->cr);
		font(p, value_of(v, &vh) ? 18 : 11, 1, 0);
		grey(p, 0);
		vh = text(p, x + 8, p->y + 4, tr(p, v), w - 14, 1);
		font(p, 7, 0, 0);
		grey(p, 0.2);
		text(p, x + 8, p->y + 4 + (vh > 22 ? vh : 22), tr(p, keys[i].name), w - 14, 2);
	}
	h = 46;
	p->y += h + 12;
	p->top = p->y;
}

static void training(struct pdf *p, const struct report *r, const struct tables *ts)
{
	static const char *const labels[] = { "accepted", "tentative", "declined", "did not answer" };
	size_t i;
	int any = 0;

	for (i = 0; i < ts->n; i++) {
		const struct table *t = &ts->t[i];

		if (strcmp(t->title, "Training") != 0 || t->ncols == 0)
			continue;
		any = 1;
		table_chart(p, t, tr(p, "Answers to the training invitations"), labels,
		    ARRAY_SIZE(labels), NULL, NULL);
	}
	if (r->more_sessions > 0 && room(p, 14)) {
		char s[96];

		snprintf(s, sizeof(s), "%zu %s", r->more_sessions,
		    tr(p, "more sessions in the text of the e-mail"));
		font(p, 7.5, 0, 1);
		grey(p, 0.25);
		p->y += text(p, col_x(p), p->y, s, COL_W, 0) + 8;
	}
	if (!any) {
		font(p, 8.5, 1, 0);
		if (room(p, 34)) {
			grey(p, 0);
			p->y += text(p, col_x(p), p->y, tr(p, "Answers to the training invitations"), COL_W,
			    0) + 4;
			font(p, 7.5, 0, 1);
			p->y += text(p, col_x(p), p->y, tr(p, "No training session."), COL_W, 0) + 10;
		}
	}
}

static void usefulness(struct pdf *p, const struct tables *ts)
{
	static const char *const bands[] = { "usefulness 5, very useful", "usefulness 4",
		"usefulness 3", "usefulness 2", "usefulness 1, not useful" };
	const struct table *t = find_table(ts, "Feedback");
	const struct row *mean = find_row(t, "mean usefulness, of 5");
	char caption[160] = "";
	double n;

	if (mean != NULL)
		snprintf(caption, sizeof(caption), "%s: %s %s", tr(p, "mean"), tr(p, mean->v[0]),
		    value_of(mean->v[0], &n) ? tr(p, "of 5") : "");
	table_chart(p, t, tr(p, "How useful the programme was"), bands, ARRAY_SIZE(bands),
	    tr(p, "people"), caption);
}

static void again(struct pdf *p, const struct tables *ts)
{
	static const char *const labels[] = { "as a mentor", "as a mentee", "in either role",
		"role not said" };
	const struct table *t = find_table(ts, "Feedback");
	const struct row *all = find_row(t, "willing to take part again");
	char caption[160] = "";

	if (all != NULL)
		snprintf(caption, sizeof(caption), "%s: %s", tr(p, "willing to take part again"),
		    tr(p, all->v[0]));
	table_chart(p, t, tr(p, "Taking part again, and as what"), labels, ARRAY_SIZE(labels),
	    tr(p, "people"), caption);
}

/* Rows the editions, one series per figure named. */
static void editions_chart(struct pdf *p, const struct tables *ts, const char *title,
    const char *const *figures, size_t n, double scale)
{
	struct chart c;
	size_t i, k, j;

	memset(&c, 0, sizeof(c));
	c.title = tr(p, title);
	c.nseries = n;
	c.scale = scale;
	for (k = 0; k < n; k++)
		c.series[k] = tr(p, figures[k]);
	for (i = 0; i < ts->n; i++) {
		const struct table *t = &ts->t[i];

		if (strcmp(t->title, REPORT_EDITIONS) != 0)
			continue;
		for (j = 0; j < t->ncols && c.nrows < ROWS_MAX; j++) {
			c.labels[c.nrows] = t->cols[j];
			for (k = 0; k < n; k++) {
				const struct row *w = find_row(t, figures[k]);

				c.v[c.nrows][k] = w != NULL ? w->v[j] : "-";
			}
			c.nrows++;
		}
	}
	if (c.nrows > 0)
		chart(p, &c);
}

static void editions(struct pdf *p, const struct report *r, const struct tables *ts)
{
	static const char *const apps[] = { "mentors applied", "mentees applied", "pairs formed" };
	static const char *const shares[] = { "pairs sharing a department", "pairs sharing a field" };
	static const char *const more[] = { "training invitations accepted",
		"willing to take part again", "carried over from a waitlist" };
	static const char *const mean[] = { "mean usefulness, of 5" };
	char s[96];

	editions_chart(p, ts, "The programme across editions: applications and pairs", apps, 3, 0);
	editions_chart(p, ts, "The programme across editions: pairs sharing", shares, 2, 100);
	editions_chart(p, ts, "The programme across editions: usefulness", mean, 1, 5);
	editions_chart(p, ts, "The programme across editions: training, return, waitlist", more, 3, 0);
	if (r->earlier_editions > 0 && room(p, 14)) {
		snprintf(s, sizeof(s), "%s: %zu", tr(p, "earlier editions not shown"),
		    r->earlier_editions);
		font(p, 7.5, 0, 1);
		grey(p, 0.25);
		p->y += text(p, col_x(p), p->y, s, COL_W, 0) + 8;
	}
}

static void quotes(struct pdf *p, const struct report *r, const struct tables *ts)
{
	const struct row *withheld = find_row(find_table(ts, "Quotes"),
	    "allowed, withheld: naming someone");
	char s[160];
	double h;
	size_t i;

	font(p, 8.5, 1, 0);
	h = measure(p, tr(p, "Quotes their authors allowed"), COL_W, 0, NULL) + 4;
	if (!room(p, h + 14))
		return;
	grey(p, 0);
	p->y += text(p, col_x(p), p->y, tr(p, "Quotes their authors allowed"), COL_W, 0) + 4;
	font(p, 7.5, 0, 1);
	if (r->anonymised > 0 || r->n_quotes == 0) {
		p->y += text(p, col_x(p), p->y, tr(p, r->anonymised > 0 ?
		    "removed with the personal data" : "none"), COL_W, 0) + 4;
	}
	for (i = 0; i < r->n_quotes; i++) {
		char *q = p->fr ? xasprintf("\xc2\xab\xc2\xa0%s\xc2\xa0\xc2\xbb", r->quotes[i])
		    : xasprintf("\xe2\x80\x9c%s\xe2\x80\x9d", r->quotes[i]);

		font(p, 7.5, 0, 1);
		h = measure(p, q, COL_W - 8, QUOTE_LINES, NULL);
		if (!room(p, h + 4)) {
			free(q);
			break;
		}
		font(p, 7.5, 0, 1);
		grey(p, 0.1);
		p->y += text(p, col_x(p) + 8, p->y, q, COL_W - 8, QUOTE_LINES) + 4;
		free(q);
	}
	if (i < r->n_quotes && !p->full)
		p->cut = 1;
	if (i < r->n_quotes) {
		p->full = 0;
		if (room(p, 12)) {
			snprintf(s, sizeof(s), "%zu %s", r->n_quotes - i,
			    tr(p, "more in the text of the e-mail"));
			font(p, 7.5, 0, 0);
			p->y += text(p, col_x(p) + 8, p->y, s, COL_W - 8, 0) + 4;
		}
	}
	if (withheld != NULL && strcmp(withheld->v[0], "0") != 0 && room(p, 12)) {
		snprintf(s, sizeof(s), "(%s %s)", tr(p, withheld->v[0]),
		    tr(p, "withheld: naming someone"));
		font(p, 7.5, 0, 0);
		grey(p, 0.25);
		p->y += text(p, col_x(p) + 8, p->y, s, COL_W - 8, 0) + 4;
	}
	p->y += 8;
}

/* ---- the document ---- */

#ifdef __SANITIZE_ADDRESS__
/* LeakSanitizer asks the program for its suppressions: fontconfig leaks
 * 256 bytes once, reading its configuration (its XML parser), whoever
 * uses it; everything the PDF itself loads is released (the font map). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* and says nothing of it on stderr */
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int n)
{
	struct buf *b = closure;

	return buf_add(b, data, n) < 0 || b->toobig ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void draw(struct pdf *p, const struct report *r, const char *programme)
{
	static const char *const apps[] = { "volunteered or applied", "confirmed",
		"waitlisted", "carried over from a waitlist" };
	static const char *const pairs[] = { "pairs formed", "answering a check-in",
		"reported having met, at a check-in", "took a pause", "ended early",
		"going on after the programme" };
	static const char *const met[] = { "met weekly or more", "every two weeks",
		"about monthly", "less often", "never met" };
	struct tables *ts = xcalloc(1, sizeof(*ts));

	report_build(r, ts);
	p->y = p->top = MARGIN;
	header(p, r, programme);
	key_figures(p, ts);
	applications(p, ts, apps, ARRAY_SIZE(apps));
	training(p, r, ts);
	table_chart(p, find_table(ts, "Pairs"), tr(p, "Check-ins: pairs"), pairs,
	    ARRAY_SIZE(pairs), tr(p, "pairs"), NULL);
	table_chart(p, find_table(ts, "Feedback"), tr(p, "How often they met, in the feedback"), met,
	    ARRAY_SIZE(met), tr(p, "people"), NULL);
	usefulness(p, ts);
	again(p, ts);
	editions(p, r, ts);
	quotes(p, r, ts);
	if (p->cut) {
		p->full = 0;
		p->y = PAGE_H - MARGIN - FOOT - 12;
		font(p, 7.5, 0, 1);
		grey(p, 0.25);
		text(p, col_x(p), p->y, tr(p, "The rest of the report is in the text of the e-mail."),
		    COL_W, 0);
	}
	footer(p);
	cairo_show_page(p->cr);
	free(ts);
}

int report_pdf(const struct report *r, const char *programme, const char *lang, time_t date,
    struct buf *out)
{
	cairo_surface_t *s;
	PangoFontMap *fonts;
	PangoContext *context;
	struct pdf p;
	char when[32];
	struct tm tm;
	int ret = -1;

	memset(&p, 0, sizeof(p));
	p.fr = lang != NULL && strcmp(lang, "fr") == 0;
	s = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
	/* the same data, the same bytes: the date is the report's, not now */
	if (gmtime_r(&date, &tm) != NULL && strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, when);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "mentord");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, r->cohort);
	p.cr = cairo_create(s);
	/* a font map of its own, released with everything it holds once
	 * the PDF is written: a daemon keeps no fonts between reports */
	fonts = pango_cairo_font_map_new();
	context = pango_font_map_create_context(fonts);
	pango_cairo_update_context(p.cr, context);
	p.layout = pango_layout_new(context);
	draw(&p, r, programme);
	g_object_unref(p.layout);
	g_object_unref(context);
	g_object_unref(fonts);
	cairo_destroy(p.cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && !out->toobig)
		ret = 0;
	cairo_surface_destroy(s);
	return ret;
}
