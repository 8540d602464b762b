// Enhances the evaluation job page: asks for the job's progress every second instead of reloading the
// page, moves the <progress> bar, and says the stage in the status region (announced politely, only when
// the stage or a tenth of the work changes, so a screen reader is not flooded). Opens the result when done.
const root = document.querySelector('[data-module="ni-evaluation-progress"]');

if (root) {
  const bar = root.querySelector("progress");
  const percent = root.querySelector("#job-percent");
  const stage = root.querySelector("#job-stage");
  const note = root.querySelector("#job-refresh-note");
  let announced = `${percent.textContent}|${stage.textContent}`;
  let failures = 0;

  if (note) note.textContent = "This page shows the progress as it happens and opens the evaluation when it is finished. You can leave it: the evaluation carries on.";

  const poll = async () => {
    try {
      const response = await fetch(root.dataset.progressUrl, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const job = await response.json();
      failures = 0;
      if (job.status === "done" || job.status === "failed") {
        // The job page redirects to the evaluation when done, or says why it failed.
        window.location.assign(job.next_url);
        return;
      }
      const share = Math.round(job.progress * 100);
      bar.value = share;
      bar.textContent = `${share}%`;
      const tenth = Math.floor(share / 10);
      const now = `${tenth}|${job.stage}`;
      if (now !== announced) {
        announced = now;
        percent.textContent = `${share}%`;
        stage.textContent = job.stage || "waiting to start";
      }
    } catch (error) {
      failures += 1;
      if (failures >= 5) {
        window.location.reload(); // the server will say what happened
        return;
      }
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
}
