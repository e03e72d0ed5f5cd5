/* template.h - filling the European Commission's "CBAM Communication
 * template for installations" (version 2.1.1 of 2024-12-13), the workbook
 * an EU importer asks its suppliers for.
 *
 * The template is not shipped: the user downloads it from the Commission and
 * names it with --template. It is recognised by its content (its sheets, the
 * version it documents, its code lists), never by its file name, and every
 * cell cbamcalc writes is checked to be an input cell (unlocked, no formula)
 * of that version before anything is written. The cell map lives in
 * template.c as one table of data.
 *
 * Filling patches the zip (xlsxpatch.h, sheetxml.h): only the worksheets
 * A_InstData, C_Emissions&Energy, D_Processes and Summary_Products and
 * workbook.xml (recalculate on load) change; every other part is copied
 * raw. Direct emissions and whatever cbamcalc cannot know stay empty, and
 * the plan says what is left to complete by hand.
 *
 * Ownership: a template_doc owns what it read of the template; a plan points
 * into the alloc_enterprise and the template_doc, which must outlive it.
 */
#ifndef CBAM_TEMPLATE_H
#define CBAM_TEMPLATE_H

#include "allocate.h"
#include "cbam_error.h"
#include "diag.h"

#include <jansson.h>

typedef struct template_doc template_doc;
typedef struct template_processes template_processes;
typedef struct template_plan template_plan;

/* Reads and recognises the template at path. CBAM_ERR_NOINPUT when it
 * cannot be read, CBAM_ERR_DATA when it is not the supported template
 * (naming what was found and what is supported); reported in dl. */
enum cbam_err template_open(const char *path, template_doc **out, diag_list *dl);
void template_close(template_doc *t);
/* "2.1.1" */
const char *template_version(const template_doc *t);

/* --processes FILE: product_id, process [, enterprise_id]. */
enum cbam_err template_processes_load(const char *path, template_processes **out, diag_list *dl);
void template_processes_free(template_processes *p);

/* Decides what is written for enterprise ae: its processes (by default one
 * per CBAM good; the --processes file groups them), goods and figures.
 * Adds a note per item left to complete by hand, warnings for what the
 * template cannot hold as cbamcalc computed it; CBAM_ERR_DATA (reported)
 * when the enterprise cannot be written into this template (more processes
 * or goods than it has rows, a product missing from the --processes file). */
enum cbam_err template_plan_make(const template_doc *t, const template_processes *p,
                                 const alloc_enterprise *ae, template_plan **out, diag_list *dl);
void template_plan_free(template_plan *p);

/* The plan as the JSON's "template" object of the enterprise. */
json_t *template_plan_json(const template_plan *p);

/* Writes the filled template to path (a temporary name: the caller renames
 * it) and reads it back. CBAM_ERR_CANTCREAT (reported) when writing fails. */
enum cbam_err template_fill(const template_doc *t, const template_plan *p, const char *path, diag_list *dl);

#endif
