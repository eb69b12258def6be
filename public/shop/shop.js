// The example shop's own script (plain JavaScript, no framework): its product list, product page and
// cart. Vitrine's grid is a <vitrine-grid> element; this page listens to the events it dispatches
// (a product clicked, added to the cart) and tells it what the shopper does on the shop's own
// pages through `grid.record(...)`. Text is set with textContent only: the page runs under a
// Content-Security-Policy with Trusted Types, where innerHTML strings are refused.

const grid = document.getElementById('recommendations');
const catalogue = new Map();
const cart = [];

/** @param {string} tag @param {string} text @param {string} [className] */
function element(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

/** @param {number | null} price */
function formatPrice(price) {
  return price === null ? 'Price on request' : price.toFixed(2);
}

/** @param {string} line what happened, shown in the log under the page. */
function log(line) {
  document.getElementById('widget-log').prepend(element('li', line));
}

/** Tells the widget about an interaction on the shop's own pages; a failure is shown, not thrown. */
function tellWidget(interaction) {
  grid.record(interaction).catch((error) => log(`record() failed: ${error.message}`));
}

function renderCart() {
  document.getElementById('cart-count').textContent = String(cart.length);
  document.getElementById('cart-items').replaceChildren(...cart.map((item) => element('li', `${item.title} — ${formatPrice(item.price)}`)));
}

/** @param {{id: string, title: string, price: number | null}} item */
function addToCart(item) {
  cart.push(item);
  renderCart();
}

/**
 * The product page's placements, products like the one on show ("similar") and what goes with it
 * ("complements"): each made on the first product shown (they need an item), then pointed at each
 * product shown.
 */
function showPlacement(placement, item) {
  let grid = document.getElementById(placement);
  if (grid === null) {
    grid = document.createElement('vitrine-grid');
    grid.id = placement;
    grid.setAttribute('models', '/models/demo');
    grid.setAttribute('limit', '4');
    grid.setAttribute('placement', placement);
    document.getElementById('product-placements').append(grid);
  }
  grid.setAttribute('item', item.id);
}

/** The shop's product page: its own navigation, opened from its list or from the widget. */
function showProduct(item) {
  const page = document.getElementById('product');
  page.dataset.itemId = item.id;
  document.getElementById('product-title').textContent = item.title;
  document.getElementById('product-category').textContent = item.category;
  document.getElementById('product-description').textContent = item.description;
  document.getElementById('product-price').textContent = formatPrice(item.price);
  page.hidden = false;
  showPlacement('similar', item);
  showPlacement('complements', item);
  history.replaceState(null, '', `#product/${encodeURIComponent(item.id)}`);
  page.scrollIntoView({ block: 'nearest' });
}

function renderProducts(items) {
  const rows = items.map((item) => {
    const row = element('li', '', 'shop-product-row');
    row.dataset.hostItemId = item.id;
    // What <vitrine-list> reads to re-order the list for the shopper.
    row.dataset.itemId = item.id;
    row.dataset.category = item.category;
    const open = element('button', item.title, 'shop-link');
    open.type = 'button';
    open.addEventListener('click', () => {
      showProduct(item);
      tellWidget({ type: 'view', item: item.id });
    });
    const add = element('button', 'Add to cart');
    add.type = 'button';
    add.addEventListener('click', () => {
      addToCart(item);
      tellWidget({ type: 'add_to_cart', item: item.id });
    });
    const buy = element('button', 'Buy now');
    buy.type = 'button';
    buy.addEventListener('click', () => {
      log(`bought ${item.title}`);
      tellWidget({ type: 'purchase', item: item.id });
    });
    row.append(open, element('span', `${item.category} · ${formatPrice(item.price)}`, 'shop-muted'), add, buy);
    return row;
  });
  document.getElementById('products').replaceChildren(...rows);
}

// Events from every grid on the page (they bubble): the shop decides what a click means (here: its
// own product page) and keeps the cart. The widget has already recorded the view or the add-to-cart.
const from = (event) => (event.target.id === 'recommendations' ? '' : ` (${event.target.id})`);
document.addEventListener('vitrine:product-click', (event) => {
  log(`product-click: ${event.detail.item.title} (position ${event.detail.position})${from(event)}`);
  showProduct(event.detail.item);
});
document.addEventListener('vitrine:add-to-cart', (event) => {
  log(`add-to-cart: ${event.detail.item.title}${from(event)}`);
  addToCart(event.detail.item);
});
document.addEventListener('vitrine:error', (event) => log(`error: ${event.detail.error.message}${from(event)}`));

document.getElementById('product-back').addEventListener('click', () => {
  document.getElementById('product').hidden = true;
  history.replaceState(null, '', location.pathname);
});
document.getElementById('product-add').addEventListener('click', () => {
  const item = catalogue.get(document.getElementById('product').dataset.itemId);
  if (item === undefined) return;
  addToCart(item);
  tellWidget({ type: 'add_to_cart', item: item.id });
});
document.getElementById('cart-button').addEventListener('click', (event) => {
  const panel = document.getElementById('cart');
  panel.hidden = !panel.hidden;
  event.currentTarget.setAttribute('aria-expanded', String(!panel.hidden));
});
document.getElementById('checkout').addEventListener('click', () => {
  for (const item of cart.splice(0)) tellWidget({ type: 'purchase', item: item.id });
  log('checked out');
  renderCart();
});

// The shop's own list: two products of each department, from the same catalogue file the model
// was built from (a real shop would render its list on the server).
fetch('/models/demo/catalog.json')
  .then((response) => {
    if (!response.ok) throw new Error(`catalog.json: HTTP ${response.status}`);
    return response.json();
  })
  .then(({ items }) => {
    const perDepartment = new Map();
    for (const item of items) {
      catalogue.set(item.id, item);
      const shown = perDepartment.get(item.category) ?? [];
      if (shown.length < 2) perDepartment.set(item.category, [...shown, item]);
    }
    renderProducts([...perDepartment.values()].flat());
  })
  .catch((error) => log(`the product list could not be loaded: ${error.message}`));
