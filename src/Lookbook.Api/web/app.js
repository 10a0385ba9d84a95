// Lookbook's page: choose a photo (drop, paste, pick), optionally drag a crop rectangle, search,
// browse results, open a product and its similar products. No framework and no build step: the
// server embeds this file as it is.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { file: null, crop: null, item: null, items: [], searched: -1, mode: "browse", page: 1 };

// ---------- API ----------

async function api(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) {
    let problem = { title: `Error ${response.status}`, detail: response.statusText };
    try { problem = await response.json(); } catch { /* not JSON */ }
    const error = new Error(friendly(problem, response.status));
    error.status = response.status;
    throw error;
  }
  const text = await response.text(); // 201 and 204 answers have no body
  return text ? JSON.parse(text) : null;
}

function friendly(problem, status) {
  const detail = problem.detail || (problem.errors ? Object.values(problem.errors).flat().join(" ") : "");
  switch (problem.title) {
    case "Not an image":
    case "Unsupported content type":
      return "That file isn't a photo we can read. Please choose a JPEG, PNG, WebP, GIF or BMP image.";
    case "Incomplete image":
    case "Corrupt image":
    case "Empty file":
      return "That photo seems to be damaged or incomplete. Please try another one.";
    case "Photo too large":
    case "Image too large":
      return `That photo is too large. ${detail}`;
    default:
      return status >= 500 ? `Something went wrong on our side (${problem.title}). Please try again.` : `${problem.title}: ${detail}`;
  }
}

// ---------- rendering ----------

function card(product, similarity, why) {
  const item = document.createElement("li");
  item.className = "card";
  const link = document.createElement("a");
  link.href = `/product/${encodeURIComponent(product.id)}`;
  link.dataset.productId = product.id;
  const image = document.createElement("img");
  image.src = product.thumbnailUrl;
  image.alt = `${product.title} (${product.category})`;
  image.loading = "lazy";
  image.addEventListener("load", () => crispIfSmall(image));
  const info = document.createElement("div");
  info.className = "info";
  info.innerHTML = `<div class="title"></div><div class="category"></div>`;
  info.querySelector(".title").textContent = product.title;
  info.querySelector(".category").textContent = product.category;
  if (product.facts && product.facts.length) {
    const facts = document.createElement("div");
    facts.className = "facts";
    facts.textContent = product.facts.join(" · ");
    info.appendChild(facts);
  }
  if (product.price) {
    const price = document.createElement("div");
    price.className = "price";
    price.textContent = product.price;
    info.appendChild(price);
  }
  if (similarity !== undefined) {
    const score = document.createElement("span");
    score.className = "similarity";
    score.textContent = `${Math.round(similarity * 100)}% similar`;
    info.appendChild(score);
  }
  if (why) {
    const reason = document.createElement("div");
    reason.className = "why";
    reason.textContent = why;
    info.appendChild(reason);
  }
  link.append(image, info);
  link.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.pathname);
  });
  item.append(link, feedbackButtons(product));
  return item;
}

// ---------- the shopper's profile ----------

// A profile per browser, no password: the server keeps a token in an HttpOnly cookie.
async function ensureProfile() {
  const response = await fetch("/api/me/history");
  if (response.status === 401) await fetch("/api/profile", { method: "POST" });
}

async function record(productId, kind) {
  await api("/api/me/events", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ productId, kind }) });
}

// What the shopper likes, has set aside and has in the cart: every button of a product shows it.
const reactions = { like: new Set(), dislike: new Set(), cart: new Set() };
const opposite = { like: "dislike", dislike: "like" };

async function loadReactions() {
  try {
    const answer = await api("/api/me/reactions");
    reactions.like = new Set(answer.liked);
    reactions.dislike = new Set(answer.disliked);
    reactions.cart = new Set(answer.inCart);
    showReactions();
  } catch { /* no profile yet: nothing is pressed */ }
}

// A second press takes the reaction back (un-like, out of the cart); Like and "Not for me" exclude each other.
async function toggleReaction(productId, kind) {
  const on = !reactions[kind].has(productId);
  if (on) await record(productId, kind);
  else await api(`/api/me/events?productId=${encodeURIComponent(productId)}&kind=${kind}`, { method: "DELETE" });
  if (on) { reactions[kind].add(productId); if (opposite[kind]) reactions[opposite[kind]].delete(productId); }
  else reactions[kind].delete(productId);
  showReactions();
  return on;
}

function showReactions() {
  for (const button of document.querySelectorAll("button[data-reaction]")) {
    const pressed = reactions[button.dataset.reaction].has(button.dataset.productId);
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    const labels = { like: ["♥ Like", "♥ Liked"], cart: ["Add to cart", "✓ In cart"] }[button.dataset.reaction];
    if (labels && button.id) button.textContent = labels[pressed ? 1 : 0];
  }
}

function feedbackButtons(product) {
  const row = document.createElement("div");
  row.className = "feedback";
  for (const [kind, label, text] of [["like", `Like ${product.title}`, "♥"], ["dislike", `Not for me: ${product.title}`, "✕"]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `secondary ${kind}`;
    button.textContent = text;
    button.dataset.reaction = kind;
    button.dataset.productId = product.id;
    button.setAttribute("aria-label", label);
    button.setAttribute("aria-pressed", reactions[kind].has(product.id) ? "true" : "false");
    button.addEventListener("click", async () => {
      try {
        await toggleReaction(product.id, kind);
        loadForYou();
      } catch (error) { showMessage(error.message); }
    });
    row.appendChild(button);
  }
  return row;
}

async function loadForYou() {
  try {
    const response = await api("/api/me/recommendations?k=8");
    $("for-you-title").textContent = response.personalized ? "For you" : "Popular picks";
    $("for-you-list").replaceChildren(...response.results.map((r) => card(r.product, undefined, r.explanation)));
    $("for-you").hidden = response.results.length === 0 || state.mode === "search";
  } catch { $("for-you").hidden = true; }
}

// The history comes a page at a time; "Older events" follows the server's next link.
let historyNext = null;
let historyShown = 0;

async function showHistory(more = false) {
  const view = $("history-view");
  try {
    const history = await api(more && historyNext ? historyNext : "/api/me/history?limit=48");
    const cards = history.events.filter((e) => e.product).map((e) => card(e.product, undefined, `${e.kind} · ${new Date(e.at).toLocaleString()}`));
    if (more) $("history-list").append(...cards); else $("history-list").replaceChildren(...cards);
    historyShown = (more ? historyShown : 0) + history.events.length;
    historyNext = history.next;
    $("more-history").hidden = !historyNext;
    busy(view, false, historyShown ? `${historyShown}${historyNext ? "+" : ""} events` : "Nothing yet: browse and like some products.");
  } catch (error) {
    busy(view, false, error.message);
  }
}

// Fashion-MNIST images are 28×28: scale them up with hard pixel edges instead of a blur.
function crispIfSmall(image) {
  if (image.naturalWidth && image.naturalWidth <= 96) image.classList.add("pixelated");
}

function showMessage(text) {
  const message = $("message");
  message.textContent = text || "";
  message.hidden = !text;
}

function busy(section, on, text) {
  section.setAttribute("aria-busy", on ? "true" : "false");
  if (text !== undefined) section.querySelector(".status").textContent = text;
}

// ---------- catalog browsing ----------

async function loadCategories() {
  const categories = await api("/api/categories");
  const select = $("category");
  for (const category of categories) {
    const option = document.createElement("option");
    option.value = category.name;
    option.textContent = `${category.name} (${category.products})`;
    select.appendChild(option);
  }
}

async function browse(append = false) {
  state.mode = "browse";
  showNoMatch(false);
  showPrediction(null);
  const section = $("search-view");
  const category = $("category").value;
  busy(section, true, "Loading products…");
  try {
    const params = new URLSearchParams({ page: state.page, pageSize: 24 });
    if (category) params.set("category", category);
    const page = await api(`/api/products?${params}`);
    const list = $("results");
    if (!append) list.replaceChildren();
    page.items.forEach((product) => list.appendChild(card(product)));
    $("results-title").textContent = category ? `Catalog: ${category}` : "Catalog";
    $("more").hidden = page.page * page.pageSize >= page.total;
    busy(section, false, `${page.total} products`);
  } catch (error) {
    busy(section, false, "");
    showMessage(error.message);
  }
}

// ---------- photo search ----------

// Back to the home state: no photo, the drop zone, the catalog and the picks.
function resetPhoto() {
  state.file = null;
  state.crop = null;
  state.item = null;
  showItems([], null);
  showNoMatch(false);
  showPrediction(null);
  $("preview").removeAttribute("src");
  $("crop-stage").hidden = true;
  $("drop-zone").hidden = false;
  $("file-input").value = "";
  state.mode = "browse";
  setSearching(false);
}

function choose(file) {
  if (!file) return;
  showMessage("");
  state.file = file;
  state.crop = null;
  state.item = null;
  showItems([], null); // the last photo's garments are not on this one
  keyboardRect = null;
  $("crop-box").hidden = true;
  $("clear-crop").hidden = true;
  const preview = $("preview");
  URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  $("crop-stage").hidden = false;
  $("drop-zone").hidden = true;
  search();
}

// The search view: the photo beside the results on a wide screen, just above them on a phone.
function setSearching(on) {
  $("search-view").classList.toggle("searching", on);
  $("for-you").hidden = on || $("for-you-list").childElementCount === 0;
}

// Results where the eye lands: if the layout put them below the fold (a phone with a tall photo), bring them up.
function revealResults() {
  const title = $("results-title").getBoundingClientRect();
  if (title.top > window.innerHeight * 0.6 || title.top < 0) {
    $("results-section").scrollIntoView({ block: "start" });
  }
}

function showNoMatch(on, prediction) {
  $("no-match").hidden = !on;
  const browseButton = $("no-match-browse");
  const category = prediction && [...$("category").options].some((o) => o.value === prediction.category) ? prediction.category : null;
  browseButton.hidden = !category;
  if (category) {
    browseButton.textContent = `Browse ${category}`;
    browseButton.dataset.category = category;
  }
}

async function search() {
  if (!state.file) return;
  state.mode = "search";
  setSearching(true);
  const section = $("search-view");
  const button = $("search-button");
  button.disabled = true;
  showMessage("");
  busy(section, true, "Searching…");
  try {
    const params = new URLSearchParams({ k: 24 });
    const category = $("category").value;
    if (category) params.set("category", category);
    if (state.crop) params.set("crop", state.crop.map((v) => v.toFixed(4)).join(","));
    else if (state.item !== null) params.set("item", state.item);
    const form = new FormData();
    form.append("image", state.file, state.file.name || "photo");
    const result = await api(`/api/search?${params}`, { method: "POST", body: form });
    showPrediction(result.noGoodMatch ? null : result.prediction, result.colour);
    // The shopper's own frame is searched as it is, so the server finds no garments in it: those found on the whole
    // photo stay on it (none highlighted) for a tap to go back to one.
    const kept = state.crop && !(result.items || []).length;
    showItems(kept ? state.items : result.items || [], kept ? null : result.searchedItem);
    $("results").replaceChildren(...(result.noGoodMatch ? [] : result.results.map((r) => card(r.product, r.similarity))));
    $("results-title").textContent = "Products like your photo";
    $("more").hidden = true;
    showNoMatch(result.noGoodMatch, result.prediction);
    busy(section, false, result.noGoodMatch ? "" : result.results.length ? `${result.results.length} products in ${Math.round(result.tookMs)} ms` : "No products match this filter.");
    revealResults();
  } catch (error) {
    busy(section, false, "");
    $("results").replaceChildren();
    showPrediction(null);
    showNoMatch(false);
    showItems([], null);
    // A file the server cannot read is not "your photo": back to choosing one, with the reason above it.
    if (error.status === 400 || error.status === 413 || error.status === 415) resetPhoto();
    showMessage(error.message);
    $("message").scrollIntoView({ block: "nearest" });
  } finally {
    button.disabled = false;
  }
}

// The colour comes only when the server is sure enough of it ("looks like: Black Tshirts").
// A kind is named only when the model gives it more than half its belief (more likely than all the others together);
// below that "this looks like" would be a guess stated as a fact.
const confidentPrediction = 0.5;

function showPrediction(prediction, colour) {
  const line = $("prediction");
  if (prediction && prediction.confidence < confidentPrediction) prediction = null;
  line.hidden = !prediction;
  if (!prediction) return;
  const percent = (p) => `${Math.round(p * 100)}%`;
  line.replaceChildren("This looks like ",
    Object.assign(document.createElement("strong"), { textContent: colour ? `${colour.name} ${prediction.category}` : prediction.category }),
    colour ? ` (${percent(prediction.confidence)} sure of the kind, ${percent(colour.confidence)} of the colour)` : ` (${percent(prediction.confidence)} sure)`);
}

// The garments found on the photo: a box over each, and a button per item that searches it (shop the look).
function searchItem(i) {
  state.item = i;
  state.crop = null;
  keyboardRect = null;
  $("crop-box").hidden = true;
  $("clear-crop").hidden = true;
  search();
}

function showItems(items, searched) {
  state.items = items;
  state.searched = searched;
  const frame = document.querySelector(".crop-frame");
  frame.querySelectorAll(".item-box").forEach((box) => box.remove());
  const list = $("items");
  list.hidden = items.length < 2; // one garment: nothing to choose
  list.replaceChildren(...items.map((item, i) => {
    const box = document.createElement("div");
    box.className = "item-box" + (i === searched ? " searched" : "");
    Object.assign(box.style, { left: `${item.box.x * 100}%`, top: `${item.box.y * 100}%`, width: `${item.box.width * 100}%`, height: `${item.box.height * 100}%` });
    if (items.length > 1) frame.append(box);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chip";
    button.textContent = item.category ?? `Item ${i + 1}`;
    button.setAttribute("aria-pressed", String(i === searched));
    button.addEventListener("click", () => searchItem(i));
    return button;
  }));
}

// Drag a rectangle over the preview; stored as fractions of the image.
function setUpCrop() {
  const frame = document.querySelector(".crop-frame");
  const box = $("crop-box");
  let start = null;
  const point = (event) => {
    const rect = $("preview").getBoundingClientRect();
    return {
      x: Math.min(Math.max((event.clientX - rect.left) / rect.width, 0), 1),
      y: Math.min(Math.max((event.clientY - rect.top) / rect.height, 0), 1),
    };
  };
  const draw = (a, b) => {
    const [x, y, w, h] = [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.abs(a.x - b.x), Math.abs(a.y - b.y)];
    Object.assign(box.style, { left: `${x * 100}%`, top: `${y * 100}%`, width: `${w * 100}%`, height: `${h * 100}%` });
    box.hidden = false;
    return [x, y, w, h];
  };
  // A drag that starts on the frame or on the searched garment's box adjusts it (its edges and corners resize,
  // its inside moves it); one that starts elsewhere draws a new frame; a tap on a found garment searches that one.
  let adjusting = null;
  const handle = 0.06;
  const adjustable = (p) => {
    const rects = [];
    if (state.crop) rects.push(state.crop);
    else if (Number.isInteger(state.searched) && state.items[state.searched]) {
      const b = state.items[state.searched].box;
      rects.push([b.x, b.y, b.width, b.height]);
    }
    for (const [x, y, w, h] of rects) {
      if (p.x < x - handle / 2 || p.x > x + w + handle / 2 || p.y < y - handle / 2 || p.y > y + h + handle / 2) continue;
      const edges = { left: Math.abs(p.x - x) < handle, right: Math.abs(p.x - x - w) < handle, top: Math.abs(p.y - y) < handle, bottom: Math.abs(p.y - y - h) < handle };
      return { rect: [x, y, w, h], edges, move: !Object.values(edges).some(Boolean) };
    }
    return null;
  };
  const adjusted = ({ rect: [x0, y0, w0, h0], edges, move }, from, to) => {
    const min = 0.05;
    const dx = to.x - from.x, dy = to.y - from.y;
    if (move) return [Math.min(Math.max(x0 + dx, 0), 1 - w0), Math.min(Math.max(y0 + dy, 0), 1 - h0), w0, h0];
    let [left, top, right, bottom] = [x0, y0, x0 + w0, y0 + h0];
    if (edges.left) left = Math.min(Math.max(left + dx, 0), right - min);
    if (edges.right) right = Math.max(Math.min(right + dx, 1), left + min);
    if (edges.top) top = Math.min(Math.max(top + dy, 0), bottom - min);
    if (edges.bottom) bottom = Math.max(Math.min(bottom + dy, 1), top + min);
    return [left, top, right - left, bottom - top];
  };
  frame.addEventListener("pointerdown", (event) => {
    start = point(event);
    adjusting = adjustable(start);
    frame.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  frame.addEventListener("pointermove", (event) => {
    if (!start) return;
    if (adjusting) showRect(adjusted(adjusting, start, point(event)));
    else draw(start, point(event));
  });
  frame.addEventListener("pointerup", (event) => {
    if (!start) return;
    const end = point(event);
    const moved = Math.abs(end.x - start.x) + Math.abs(end.y - start.y) >= 0.03;
    const rect = adjusting && moved ? adjusted(adjusting, start, end) : draw(start, end);
    start = null;
    adjusting = null;
    if (!moved || rect[2] < 0.05 || rect[3] < 0.05) { // a tap, not a drag: on a found garment, search that one
      if (state.crop) showRect(state.crop); else box.hidden = true;
      const hit = state.items.findIndex((item) => end.x >= item.box.x && end.x <= item.box.x + item.box.width && end.y >= item.box.y && end.y <= item.box.y + item.box.height);
      if (hit >= 0 && state.items.length > 1) searchItem(hit);
      return;
    }
    showRect(rect);
    state.crop = rect;
    keyboardRect = null;
    state.item = null;
    $("clear-crop").hidden = false;
    search();
  });
  $("clear-crop").addEventListener("click", () => {
    state.crop = null;
    keyboardRect = null;
    box.hidden = true;
    $("clear-crop").hidden = true;
    search();
  });

  // The same frame by keyboard: arrows move it, Shift+arrows resize it, Enter searches it, Escape drops it.
  frame.addEventListener("keydown", (event) => {
    const step = 0.02;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key]) {
      event.preventDefault();
      startKeyboardCrop();
      const [dx, dy] = moves[event.key];
      let [x, y, w, h] = keyboardRect;
      if (event.shiftKey) { w = Math.min(Math.max(w + dx, 0.05), 1 - x); h = Math.min(Math.max(h + dy, 0.05), 1 - y); }
      else { x = Math.min(Math.max(x + dx, 0), 1 - w); y = Math.min(Math.max(y + dy, 0), 1 - h); }
      keyboardRect = [x, y, w, h];
      showRect(keyboardRect);
    } else if (event.key === "Enter" && keyboardRect) {
      event.preventDefault();
      state.crop = keyboardRect;
      state.item = null;
      $("clear-crop").hidden = false;
      search();
    } else if (event.key === "Escape" && keyboardRect) {
      keyboardRect = null;
      if (!state.crop) box.hidden = true; else showRect(state.crop);
    }
  });
}

let keyboardRect = null;

function showRect([x, y, w, h]) {
  const box = $("crop-box");
  Object.assign(box.style, { left: `${x * 100}%`, top: `${y * 100}%`, width: `${w * 100}%`, height: `${h * 100}%` });
  box.hidden = false;
}

// A frame to move with the keys: the current crop, else the middle of the photo.
function startKeyboardCrop() {
  if (!keyboardRect) keyboardRect = state.crop ? [...state.crop] : [0.2, 0.2, 0.6, 0.6];
  showRect(keyboardRect);
}

// ---------- product page ----------

async function showProduct(id) {
  $("search-view").hidden = true;
  const view = $("product-view");
  view.hidden = false;
  view.classList.remove("not-found");
  $("product-title").textContent = "";
  $("product-category").textContent = "";
  $("product-attributes").tBodies[0].replaceChildren();
  $("similar").replaceChildren();
  // The buttons act on this product only once it has loaded (a click before would be lost).
  for (const button of ["product-like", "product-dislike", "product-cart"]) $(button).disabled = true;
  try {
    const product = await api(`/api/products/${encodeURIComponent(id)}`);
    document.title = `${product.title} — Lookbook`;
    $("product-title").textContent = product.title;
    $("product-category").textContent = product.category;
    const image = $("product-image");
    image.onload = () => crispIfSmall(image);
    image.src = product.imageUrl;
    image.alt = `${product.title} (${product.category})`;
    const details = [...product.details, ...(product.price ? [{ label: "Price", value: product.price }] : [])];
    const rows = details.map(({ label, value }) => {
      const row = document.createElement("tr");
      row.innerHTML = "<th scope=\"row\"></th><td></td>";
      row.cells[0].textContent = label;
      row.cells[1].textContent = value;
      return row;
    });
    $("product-attributes").tBodies[0].replaceChildren(...rows);
    record(product.id, "view").catch(() => {});
    const confirmations = { like: ["Liked: it shapes your picks", "No longer liked"], dislike: ["Noted: fewer like this", "Shown again in your picks"], cart: ["Added to your cart", "Removed from your cart"] };
    $("product-said").textContent = "";
    for (const [button, kind] of [["product-like", "like"], ["product-dislike", "dislike"], ["product-cart", "cart"]]) {
      $(button).dataset.productId = product.id;
      $(button).onclick = async () => {
        try {
          const on = await toggleReaction(product.id, kind);
          $("product-said").textContent = confirmations[kind][on ? 0 : 1];
        } catch (error) { $("product-said").textContent = error.message; }
      };
      $(button).disabled = false;
    }
    showReactions();
    busy(view, true, "Finding similar products…");
    const similar = await api(`/api/products/${encodeURIComponent(id)}/similar?k=12`);
    $("similar").replaceChildren(...similar.results.map((r) => card(r.product, r.similarity)));
    busy(view, false, "");
  } catch (error) {
    // Not found: a page that says so and leads back, without a product's buttons or an empty image.
    view.classList.add("not-found");
    document.title = "Product not found — Lookbook";
    busy(view, false, error.status === 404 ? "" : error.message);
    $("product-title").textContent = error.status === 404 ? "Product not found" : "This product cannot be shown";
    $("product-category").textContent = error.status === 404 ? "It is not in the catalog (any more): search by photo or browse the catalog instead." : "";
    $("product-image").removeAttribute("src");
    $("similar").replaceChildren();
  }
}

// ---------- routing ----------

function navigate(path) {
  history.pushState({}, "", path);
  route();
}

function route() {
  const match = location.pathname.match(/^\/product\/(.+)$/);
  $("history-view").hidden = true;
  if (match) {
    showProduct(decodeURIComponent(match[1]));
    window.scrollTo(0, 0);
  } else if (location.pathname === "/history") {
    document.title = "My history — Lookbook";
    $("product-view").hidden = true;
    $("search-view").hidden = true;
    $("history-view").hidden = false;
    showHistory();
  } else {
    document.title = "Lookbook — find fashion by photo";
    $("product-view").hidden = true;
    $("search-view").hidden = false;
    loadForYou();
  }
}

// ---------- wiring ----------

function setUp() {
  const zone = $("drop-zone");
  const input = $("file-input");
  zone.addEventListener("click", () => input.click());
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
  });
  input.addEventListener("change", () => choose(input.files[0]));
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    choose(event.dataTransfer.files[0]);
  });
  document.addEventListener("paste", (event) => {
    const file = [...(event.clipboardData?.files || [])].find((f) => f.type.startsWith("image/"));
    if (file) { navigate("/"); choose(file); }
  });
  $("search-button").addEventListener("click", search);
  $("new-photo").addEventListener("click", () => { resetPhoto(); showMessage(""); browse(); $("drop-zone").focus(); });
  $("no-match-new").addEventListener("click", () => { resetPhoto(); browse(); $("drop-zone").focus(); });
  $("no-match-crop").addEventListener("click", () => { startKeyboardCrop(); $("crop-frame").focus(); });
  $("no-match-browse").addEventListener("click", (event) => {
    resetPhoto();
    $("category").value = event.currentTarget.dataset.category;
    state.page = 1;
    browse();
  });
  $("category").addEventListener("change", () => {
    state.page = 1;
    if (state.mode === "search") search(); else browse();
  });
  $("more").addEventListener("click", () => { state.page += 1; browse(true); });
  $("back").addEventListener("click", (event) => { event.preventDefault(); navigate("/"); });
  $("history-link").addEventListener("click", (event) => { event.preventDefault(); navigate("/history"); });
  $("more-history").addEventListener("click", () => showHistory(true));
  $("clear-history").addEventListener("click", async () => {
    await api("/api/me/history", { method: "DELETE" });
    showHistory();
    loadForYou();
  });
  window.addEventListener("popstate", route);
  setUpCrop();
  loadCategories().catch((error) => showMessage(error.message));
  browse();
  ensureProfile().then(loadReactions).finally(route);
}

setUp();
