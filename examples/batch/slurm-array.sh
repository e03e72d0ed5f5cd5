#!/bin/bash
# Slurm: the same manifest on 8 machines; each runs its shard (a stable hash of
# the client id), then one job merges the summaries (and copies the outputs):
#   jobid=$(sbatch --parsable slurm-array.sh)
#   sbatch --dependency=afterany:$jobid --mail-type=FAIL --wrap \
#     '/usr/local/bin/cbamcalc batch --merge --out-dir reports/all reports/shard-*'
# A task whose clients failed ends with exit 1, so Slurm counts it FAILED (sacct) and mails
# (--mail-type=FAIL); the shard's batch-summary.json names the clients and says which
# workbooks are kept from an earlier run.
#SBATCH --job-name=cbamcalc
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --mem=2G
#SBATCH --time=01:00:00
#SBATCH --mail-type=FAIL
set -u
# The batch nodes need not have the submitter's PATH.
CBAMCALC=${CBAMCALC:-/usr/local/bin/cbamcalc}
exec "$CBAMCALC" batch clients.csv --shard "${SLURM_ARRAY_TASK_ID}/8" -j "${SLURM_CPUS_PER_TASK:-1}" \
  --out-dir "reports/shard-${SLURM_ARRAY_TASK_ID}"
