// The customer and contact pickers (kehu/customers/pickers.py). htmx fetches the matches of
// the search box into the select below it; this shows them as an open list, takes the
// keyboard from the box to the list, and puts the page's own choice back when the box is
// emptied. A module, so a form with two pickers runs it once.
const ROWS = 8;
const SEARCH = ".kehu-picker input[type=search]";
const pageOptions = new WeakMap();

const isSearch = (element) => element instanceof Element && element.matches(SEARCH);
const listOf = (search) => search.closest(".kehu-picker").querySelector("select");

// The box has no name of its own, so that a form it sits in never sends it.
document.addEventListener("htmx:configRequest", (event) => {
  if (isSearch(event.detail.elt)) event.detail.parameters.q = event.detail.elt.value;
});

document.addEventListener("htmx:beforeRequest", (event) => {
  const search = event.detail.elt;
  if (!isSearch(search)) return;
  const list = listOf(search);
  if (!pageOptions.has(list)) pageOptions.set(list, list.innerHTML);
  if (search.value.trim() === "") {
    event.preventDefault();
    list.innerHTML = pageOptions.get(list);
    list.size = 0;
  }
});

document.addEventListener("htmx:afterSwap", (event) => {
  const list = event.target;
  if (!(list instanceof HTMLSelectElement) || !list.closest(".kehu-picker")) return;
  // Open, and nothing chosen until the user picks: the first match is not always the one.
  list.size = Math.min(Math.max(list.options.length, 2), ROWS);
  list.selectedIndex = -1;
});

document.addEventListener("keydown", (event) => {
  if (!isSearch(event.target) || !["Enter", "ArrowDown"].includes(event.key)) return;
  // Enter would submit the whole form; from the box, both keys go on to the matches.
  event.preventDefault();
  const list = listOf(event.target);
  if (list.selectedIndex < 0 && list.options.length) list.selectedIndex = 0;
  list.focus();
});

// Chosen by a click, or by Enter or Tab from the keyboard: back to one line showing the
// choice. Not on losing focus, as the list shrinking under a pressed button would make the
// click miss it.
const collapse = (list) => {
  if (list instanceof HTMLSelectElement && list.closest(".kehu-picker") && list.value) {
    list.size = 0;
  }
};
document.addEventListener("click", (event) => collapse(event.target.closest?.("select")));
document.addEventListener("keydown", (event) => {
  if (["Enter", "Tab"].includes(event.key)) collapse(event.target);
});
