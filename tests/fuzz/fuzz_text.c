/* fuzz_text.c - libFuzzer harness for the terminal summary: the input is read
 * and calculated as by fuzz_ingest (fuzz_common.h), then report_text_write()
 * writes the summary into memory. It goes to a terminal, so it must be valid
 * UTF-8 without control characters other than line ends and tabs (a tab is
 * text in an input field). */
#include "config.h"
#include "fuzz_common.h"
#include "report_text.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run fr;
    fuzz_run_input(&fr, data, size);
    if (fr.calculated) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f == NULL)
            fuzz_fail("open_memstream failed");
        report_text_write(f, &fr.res);
        if (fclose(f) != 0)
            fuzz_fail("writing to memory failed");
        if (!utf8_valid(buf, len, NULL))
            fuzz_fail("the summary is not valid UTF-8");
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)buf[i];
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ||
                (c == 0xC2 && i + 1 < len && (unsigned char)buf[i + 1] < 0xA0))
                fuzz_fail("the summary holds a control character");
        }
        free(buf);
    }
    fuzz_run_free(&fr);
    return 0;
}
