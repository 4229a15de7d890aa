"""The virtual A4 printer: a job queue printed page by page by one thread, with injectable faults.

A job's pages come from its PDF's preview PNGs (pdftoppm). Before each page the printer checks media,
jam and offline; while one is set the job is ``processing-stopped`` and the printer ``stopped``, and
it resumes at the same page once cleared, so no page is lost or printed twice.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

PENDING, PENDING_HELD, PROCESSING, PROCESSING_STOPPED, CANCELED, ABORTED, COMPLETED = 3, 4, 5, 6, 7, 8, 9
IDLE, BUSY, STOPPED = 3, 4, 5
PREVIEW_DPI = 20


@dataclass
class Job:
    job_id: int
    name: str
    user: str
    copies: int
    pdf_path: Path
    state: int = PENDING
    reasons: list[str] = field(default_factory=lambda: ["job-incoming"])
    message: str = ""
    pages: int = 0  # pages per copy
    printed: list[int] = field(default_factory=list)  # page numbers in printing order (copy-major)
    created: float = field(default_factory=time.time)
    processing_at: float | None = None
    completed_at: float | None = None

    @property
    def impressions_total(self) -> int:
        return self.pages * self.copies

    def as_json(self) -> dict[str, object]:
        return {
            "job_id": self.job_id,
            "state": self.state,
            "reasons": list(self.reasons),
            "pages": self.pages,
            "copies": self.copies,
            "pages_printed": len(self.printed),
            "printed": list(self.printed),
            "pdf": str(self.pdf_path),
        }


class VirtualPrinter:
    """State shared by the IPP server, the control API and the printing thread (one lock)."""

    def __init__(self, state_dir: Path, ppm: float = 30.0) -> None:
        self.jobs_dir = state_dir / "jobs"
        self.jobs_dir.mkdir(parents=True, exist_ok=True)
        self.ppm = ppm
        self.media_empty = False
        self.jam = False
        self.offline = False
        self.empty_after_pages: int | None = None
        self.garbage_next = False
        self.jobs: dict[int, Job] = {}
        self._next_id = 1
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="ipp-printer", daemon=True)

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------ queries (call with no lock held)

    def fault_reasons(self) -> list[str]:
        reasons = []
        if self.media_empty:
            reasons.append("media-empty-error")
        if self.jam:
            reasons.append("media-jam-error")
        if self.offline:
            reasons += ["offline-report", "other-error"]
        return reasons

    def printer_state(self) -> tuple[int, list[str]]:
        with self._cond:
            faults = self.fault_reasons()
            active = any(job.state in (PENDING, PROCESSING, PROCESSING_STOPPED) for job in self.jobs.values())
            if faults:
                return STOPPED, faults
            return (BUSY if active else IDLE), ["none"]

    def snapshot(self) -> dict[str, object]:
        state, reasons = self.printer_state()
        with self._cond:
            return {
                "printer_state": {IDLE: "idle", BUSY: "processing", STOPPED: "stopped"}[state],
                "printer_state_reasons": reasons,
                "ppm": self.ppm,
                "media": "empty" if self.media_empty else "ok",
                "jam": self.jam,
                "offline": self.offline,
                "media_empty_after_pages": self.empty_after_pages,
                "jobs": [job.as_json() for job in self.jobs.values()],
            }

    # ------------------------------------------------------------ changes

    def submit(self, pdf: bytes, name: str, user: str, copies: int) -> Job:
        """A job with its document (Print-Job): queued at once."""
        job = self.create(name, user, copies)
        self.attach(job, pdf)
        return job

    def create(self, name: str, user: str, copies: int) -> Job:
        """A job still waiting for its document (Create-Job): held until ``attach``."""
        with self._cond:
            job_id = self._next_id
            self._next_id += 1
            job = Job(job_id, name, user, copies, self.jobs_dir / f"{job_id}.pdf", state=PENDING_HELD)
            self.jobs[job_id] = job
            return job

    def attach(self, job: Job, pdf: bytes) -> bool:
        """Give a held job its document and queue it; False when the job is no longer waiting for one."""
        with self._cond:
            if job.state != PENDING_HELD:
                return False
            job.pdf_path.write_bytes(pdf)
            job.state = PENDING
            self._cond.notify_all()
            _LOGGER.info("job %d queued (%d bytes, %d copies)", job.job_id, len(pdf), job.copies)
            return True

    def cancel(self, job_id: int) -> bool:
        """False when the job has already finished."""
        with self._cond:
            job = self.jobs[job_id]
            if job.state >= CANCELED:
                return False
            job.state, job.reasons = CANCELED, ["job-canceled-by-user"]
            job.completed_at = time.time()
            self._cond.notify_all()
            return True

    def control(self, **changes: object) -> None:
        with self._cond:
            for key, value in changes.items():
                setattr(self, key, value)
            self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self.media_empty = self.jam = self.offline = self.garbage_next = False
            self.empty_after_pages = None
            for job in self.jobs.values():
                if job.state < CANCELED:
                    job.state, job.reasons = CANCELED, ["job-canceled-by-operator"]
            self.jobs.clear()
            self._cond.notify_all()

    # ------------------------------------------------------------ the printing thread

    def _next_job(self) -> Job | None:
        pending = [
            job for job in self.jobs.values() if job.state in (PENDING, PROCESSING, PROCESSING_STOPPED)
        ]
        return min(pending, key=lambda job: job.job_id) if pending else None

    def _run(self) -> None:
        while True:
            with self._cond:
                job = self._next_job()
                while job is None and not self._stop:
                    self._cond.wait()
                    job = self._next_job()
                if self._stop or job is None:
                    return
            try:
                self._print(job)
            except Exception:  # the thread must survive any bad job
                _LOGGER.exception("job %d failed", job.job_id)
                with self._cond:
                    job.state, job.reasons = ABORTED, ["aborted-by-system"]

    def _print(self, job: Job) -> None:
        if job.pages == 0:
            pages = _render_previews(job.pdf_path)
            with self._cond:
                if pages == 0:
                    job.state, job.reasons = ABORTED, ["document-format-error"]
                    job.message = "the PDF could not be rendered"
                    return
                job.pages = pages
        while True:
            with self._cond:
                while not self._stop and job.state != CANCELED and self.fault_reasons():
                    if job.state != PROCESSING_STOPPED:
                        _LOGGER.info("job %d stopped at page %d", job.job_id, len(job.printed) + 1)
                    job.state = PROCESSING_STOPPED
                    job.reasons = ["printer-stopped", *self.fault_reasons()]
                    self._cond.wait()
                if self._stop or job.state == CANCELED:
                    return
                if len(job.printed) >= job.impressions_total:
                    job.state, job.reasons = COMPLETED, ["job-completed-successfully"]
                    job.completed_at = time.time()
                    _LOGGER.info("job %d completed, %d pages", job.job_id, len(job.printed))
                    return
                job.state, job.reasons = PROCESSING, ["job-printing"]
                if job.processing_at is None:
                    job.processing_at = time.time()
                delay = 60.0 / self.ppm if self.ppm > 0 else 0.0
                deadline = time.monotonic() + delay  # the page goes through the printer
                while not self._stop and job.state != CANCELED and not self.fault_reasons():
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(timeout=remaining)
                if self._stop or job.state == CANCELED:
                    return
                if self.fault_reasons():  # a fault came up while the page was moving: reprint it
                    continue
                job.printed.append(len(job.printed) % job.pages + 1)
                if self.empty_after_pages is not None:
                    self.empty_after_pages -= 1
                    if self.empty_after_pages <= 0:
                        self.empty_after_pages, self.media_empty = None, True


def _render_previews(pdf_path: Path) -> int:
    """Write ``<id>-<page>.png`` previews next to the PDF; return the page count (0 if unreadable)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        _LOGGER.warning("pdftoppm not found: counting pages without previews")
        return max(1, pdf_path.read_bytes().count(b"/Type /Page") - pdf_path.read_bytes().count(b"/Pages"))
    prefix = pdf_path.with_suffix("")
    result = subprocess.run(
        [pdftoppm, "-r", str(PREVIEW_DPI), "-png", str(pdf_path), str(prefix)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        _LOGGER.warning("pdftoppm failed for %s: %s", pdf_path.name, result.stderr[-200:])
        return 0
    return len(list(prefix.parent.glob(f"{prefix.name}-*.png")))
