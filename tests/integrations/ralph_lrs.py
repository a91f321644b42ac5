"""Start ralph's LRS with its file-system backend, run by ralph's own Python (its venv).

`ralph runserver -b fs` (ralph-malph 5.1.0) cannot take a second POST: its fs backend writes
every batch with the CREATE operation, which refuses a file that exists, so all writes after
the first answer 500 ("Statements bulk indexation failed"). Here it appends instead; the app
is ralph's own, served by uvicorn without runserver's auto-reload.
Usage: python ralph_lrs.py PORT
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
