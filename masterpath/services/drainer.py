"""The outboxes drained inside `masterpath serve` (MASTERPATH_OUTBOX_SECONDS > 0): a thread per
worker, of which the outbox lease lets one work at a time. Requests never wait on it."""

from __future__ import annotations

import logging
import threading

from masterpath.services import Context, digest, mail, xapi

log = logging.getLogger("masterpath.outbox")


class Drainer:
    def __init__(self, ctx: Context, *, seconds: float) -> None:
        self.ctx, self.seconds = ctx, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-drainer", daemon=True)

    @classmethod
    def configured(cls, ctx: Context) -> Drainer | None:
        settings = ctx.settings
        if settings.outbox_seconds <= 0 or not (settings.lrs_endpoint or settings.mail_configured):
            return None
        return cls(ctx, seconds=settings.outbox_seconds)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.ctx.settings.lrs_timeout_seconds + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            self.drain()

    def drain(self) -> None:
        """One pass over each configured outbox; a failure is logged, never raised."""
        settings = self.ctx.settings
        try:
            if settings.lrs_endpoint:
                report = xapi.push(self.ctx)
                if report.error:
                    log.warning("xAPI push: %s", report.error)
            if settings.mail_configured:
                digest.queue_digests(self.ctx)
                sent = mail.send(self.ctx)
                if sent.error:
                    log.warning("mail: %s", sent.error)
        except Exception:  # the server keeps serving whatever an outbox does
            log.exception("outbox pass failed")
