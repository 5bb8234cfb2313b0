// skcolor serve: upload photos, show gray | colorized, take hints, offer the PNG.
// Plain browser JavaScript: no framework, no build step, nothing from the network.
"use strict";

const $ = (id) => document.getElementById(id);

const state = {
  config: { hints: false, vividness: 0.5, max_upload_bytes: Infinity },
  photos: [],        // {id, name, width, height, hints: [[row, col, color]], resultUrl}
  current: null,
  request: 0,        // number of the latest colorize request; older answers are dropped
};

// ---------------------------------------------------------------- messages

function showMessage(text) {
  const box = $("message");
  box.textContent = text;
  box.hidden = !text;
}

function setStatus(text) {
  $("status").textContent = text;
}

// The server answers {"error": ...} for what it refuses; anything else (a lost
// connection, a proxy page) is described here.
async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error;
  } catch (_) { /* not JSON */ }
  return `the server answered ${response.status} ${response.statusText}`;
}

const LOST = "The connection to skcolor serve was lost before it answered. " +
  "Is it still running? Start it again with 'skcolor serve', then add the photo again.";

async function call(url, options) {
  let response;
  try {
    response = await fetch(url, options);
  } catch (_) {
    throw new Error(LOST);
  }
  if (!response.ok) throw new Error(await errorOf(response));
  return response;
}

// ---------------------------------------------------------------- photos

async function addFiles(files) {
  showMessage("");
  const problems = [];
  let selected = false;  // the first photo added is shown; the others wait in the strip
  for (const file of files) {
    if (file.size > state.config.max_upload_bytes) {
      const limit = Math.round(state.config.max_upload_bytes / 1e6);
      problems.push(`${file.name}: the file is larger than the ${limit} MB this server takes.`);
      continue;
    }
    setStatus(`Adding ${file.name}…`);
    try {
      const response = await call("/api/photos", {
        method: "POST",
        headers: { "X-Filename": encodeURIComponent(file.name) },
        body: file,
      });
      const photo = await response.json();
      photo.hints = [];
      photo.resultUrl = null;
      state.photos.push(photo);
      addThumbnail(photo);
      if (!selected) {
        selected = true;
        await select(photo);
      }
    } catch (error) {
      problems.push(`${file.name}: ${error.message}`);
    }
  }
  if (problems.length) {
    showMessage(problems.join("\n"));
    if (state.current === null) setStatus("");
  }
}

function addThumbnail(photo) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.title = photo.name;
  button.dataset.id = photo.id;
  const image = document.createElement("img");
  image.alt = photo.name;
  image.src = `/api/photos/${photo.id}/gray.png`;
  button.append(image);
  button.addEventListener("click", () => select(photo));
  item.append(button);
  $("photos").append(item);
}

async function select(photo) {
  state.current = photo;
  for (const button of $("photos").querySelectorAll("button")) {
    button.setAttribute("aria-current", String(button.dataset.id === photo.id));
  }
  $("work").hidden = false;
  $("gray").src = `/api/photos/${photo.id}/gray.png`;
  $("gray").alt = `${photo.name}, gray`;
  $("download").setAttribute("download", resultName(photo.name));
  drawMarks();
  await colorize();
}

function resultName(name) {
  const dot = name.lastIndexOf(".");
  return `${dot > 0 ? name.slice(0, dot) : name}-colorized.png`;
}

// ---------------------------------------------------------------- colorizing

async function colorize() {
  const photo = state.current;
  if (!photo) return;
  const number = ++state.request;
  const work = $("work");
  work.dataset.state = "working";
  setStatus(`Colorizing ${photo.name}…`);
  const start = performance.now();
  try {
    const response = await call(`/api/photos/${photo.id}/colorize`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ vividness: Number($("vividness").value), hints: photo.hints }),
    });
    const blob = await response.blob();
    if (number !== state.request) return;  // a newer request is on its way
    if (photo.resultUrl) URL.revokeObjectURL(photo.resultUrl);
    photo.resultUrl = URL.createObjectURL(blob);
    const image = $("color");
    image.src = photo.resultUrl;
    await image.decode().catch(() => {});
    if (number !== state.request) return;
    $("download").href = photo.resultUrl;
    $("download").setAttribute("aria-disabled", "false");
    const seconds = ((performance.now() - start) / 1000).toFixed(2);
    const hints = photo.hints.length === 1 ? "1 hint" : `${photo.hints.length} hints`;
    setStatus(`${photo.name}: ${photo.width}×${photo.height}, ${hints}, colorized in ${seconds} s.`);
    work.dataset.state = "done";
  } catch (error) {
    if (number !== state.request) return;
    showMessage(`${photo.name}: ${error.message}`);
    setStatus("");
    work.dataset.state = "failed";
  }
}

// ---------------------------------------------------------------- hints

function addHint(event) {
  const photo = state.current;
  const image = $("color");
  if (!photo || !state.config.hints || !image.naturalWidth) return;
  const box = image.getBoundingClientRect();
  const col = Math.floor((event.clientX - box.left) / box.width * photo.width);
  const row = Math.floor((event.clientY - box.top) / box.height * photo.height);
  if (row < 0 || col < 0 || row >= photo.height || col >= photo.width) return;
  photo.hints.push([row, col, $("hint-color").value]);
  drawMarks();
  colorize();
}

function drawMarks() {
  const photo = state.current;
  const marks = $("marks");
  marks.replaceChildren();
  for (const [row, col, color] of photo ? photo.hints : []) {
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.style.left = `${(col + 0.5) / photo.width * 100}%`;
    mark.style.top = `${(row + 0.5) / photo.height * 100}%`;
    mark.style.background = color;
    marks.append(mark);
  }
  const count = photo ? photo.hints.length : 0;
  $("undo").disabled = count === 0;
  $("clear").disabled = count === 0;
}

function removeHints(all) {
  const photo = state.current;
  if (!photo || !photo.hints.length) return;
  if (all) photo.hints = []; else photo.hints.pop();
  drawMarks();
  colorize();
}

// ---------------------------------------------------------------- start

async function start() {
  try {
    state.config = await (await call("/api/config")).json();
  } catch (error) {
    showMessage(error.message);
  }
  const vividness = $("vividness");
  vividness.value = state.config.vividness;
  $("vividness-value").textContent = Number(vividness.value).toFixed(2);
  vividness.addEventListener("input", () => {
    $("vividness-value").textContent = Number(vividness.value).toFixed(2);
  });
  vividness.addEventListener("change", colorize);

  if (state.config.hints) {
    $("stage").classList.add("hintable");
    $("color-caption").textContent = "Colorized: click on it to give a spot the hint color";
    $("color").addEventListener("click", addHint);
  } else {
    $("hint-controls").hidden = true;
  }
  $("undo").addEventListener("click", () => removeHints(false));
  $("clear").addEventListener("click", () => removeHints(true));

  const input = $("files");
  input.addEventListener("change", () => {
    const files = [...input.files];
    input.value = "";  // the same file may be chosen again
    addFiles(files);
  });
  const drop = $("drop");
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (event) => { event.preventDefault(); drop.classList.add("over"); });
  }
  for (const name of ["dragleave", "drop"]) {
    drop.addEventListener(name, () => drop.classList.remove("over"));
  }
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    addFiles([...event.dataTransfer.files]);
  });
  // A photo dropped beside the zone would make the browser leave the page.
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => event.preventDefault());
  document.body.dataset.ready = "true";
}

start();
