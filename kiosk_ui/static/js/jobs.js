// Follows print jobs (PrinterService.GetJob) until every one is COMPLETED. A HELD or FAILED job shows its
// reason (paper_out, cover_open …) through onProblem; a held job resumes by itself once the printer is
// ready again, and then onResume is called, so the resident sees the fault and then the result.
import { rpc } from "./api.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function followJobs(names, { onProblem, onResume, isCancelled }) {
  return (async () => {
    let shown = "";
    for (;;) {
      if (isCancelled()) throw new Error("cancelled");
      let jobs;
      try {
        jobs = await Promise.all(names.map((name) => rpc("PrinterService", "GetJob", { name })));
      } catch (error) {
        if (shown !== error.reason) onProblem(error.reason);
        shown = error.reason;
        await sleep(500);
        continue;
      }
      if (jobs.every((job) => job.state === "JOB_STATE_COMPLETED")) return jobs;
      const stuck = jobs.find((job) => ["JOB_STATE_HELD", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED"].includes(job.state));
      if (stuck && stuck.reason !== shown) {
        shown = stuck.reason || "printer_error";
        onProblem(shown);
      } else if (!stuck && shown) {
        shown = "";
        onResume();
      }
      await sleep(300);
    }
  })();
}
