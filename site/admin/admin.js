// The admin shell: finds the API (config.json beside this page) and checks it is up.
const status = document.getElementById("status");

async function loadConfig() {
  const response = await fetch("/admin/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return response.json();
}

async function checkApi() {
  try {
    const { api } = await loadConfig();
    const response = await fetch(`${api}/v1/health`);
    const health = await response.json();
    status.textContent = `API ${health.status} (stage ${health.stage}, version ${health.version}) at ${api}`;
  } catch (error) {
    status.textContent = `The API is not reachable: ${error.message}`;
    status.classList.add("error");
  }
}

checkApi();
