/* quote: the words the writer wrote, without what they quoted or signed.
 *
 * A reply's own text ends at the first quotation header: Gmail's
 * "On <date>, <name> wrote:" (possibly wrapped over two lines), the French
 * "Le <date>, <name> a écrit :", Outlook's header block ("From: ... Sent: ..."
 * and "De : ... Envoyé : ..."), "-----Original Message-----",
 * "-----Message d'origine-----", the underscore line Outlook draws, Apple
 * Mail's "Begin forwarded message:", and Thunderbird's forms. Lines quoted
 * with ">" are dropped wherever they are, and so is the signature after a
 * "-- " line (RFC 3676 4.3) or the usual mobile sign-offs ("Sent from my").
 * Pure; the result is allocated. */
#ifndef MENTORD_QUOTE_H
#define MENTORD_QUOTE_H

char *quote_strip(const char *text);

#endif
