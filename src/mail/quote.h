/* quote: the words the writer wrote, without what they quoted or signed.
 *
 * Lines quoted with ">" are dropped wherever they are. A reply's own text
 * otherwise ends at the first quotation header:
 *   - an attribution line: Gmail's "On <date>, <name> wrote:" (also wrapped
 *     over up to four lines), the French "Le <date>, <name> a écrit :" and
 *     the German "Am <date> schrieb <name>:" / "<name> schrieb am <date>:";
 *   - an Outlook header block ("From: / Sent: / To: / Subject:", the French
 *     "De : / Envoyé : / À : / Objet :", the German "Von: / Gesendet:"),
 *     with the rule line Outlook may draw above it;
 *   - the separators "-----Original Message-----", "-----Message
 *     d'origine-----", Thunderbird's "-------- Original Message --------" /
 *     "-------- Message original --------", forwarded-message lines and
 *     Apple Mail's "Begin forwarded message:" / "Début du message
 *     réexpédié :".
 * An attribution line directly followed by a ">" block (blank lines
 * between allowed) only introduces that block: both are dropped and reading
 * goes on, so that replies written below or between the quotes
 * (Thunderbird's default) keep their text. An unquoted line squeezed
 * between two ">" lines is a quoted line that a client re-wrapped and is
 * dropped too.
 *
 * The signature after a "-- " line (RFC 3676 4.3; "--" alone is accepted)
 * and the usual mobile sign-offs ("Sent from my iPhone", "Envoyé de mon
 * iPhone", "Get Outlook for iOS", "Obtenir Outlook pour iOS") end the text.
 *
 * Line ends may be LF, CRLF or CR; the result has LF line ends, no leading
 * blank lines and no trailing blank or rule lines. Work is linear in the
 * size of the text. Pure; the result is allocated (never NULL). */
#ifndef MENTORD_QUOTE_H
#define MENTORD_QUOTE_H

char *quote_strip(const char *text);

#endif
