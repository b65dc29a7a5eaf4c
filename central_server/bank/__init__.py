"""Cash and instruments from the drawer to the bank (issue 16): deposits and instruments kept at
ingest (ledger), the bank statement import (statement, matching), the HQ pages and the CLI."""
