/**
 * The pictures of the demo's products: each product type (a noun of demo-vocab.ts) is drawn with
 * an outline icon of Tabler Icons (MIT licence, the `@tabler/icons` dev dependency), read from its
 * SVG file at build time. demo-catalog.ts composes and colours it per product. Where the set has
 * no icon of the thing itself, the nearest recognisable one stands in (a hanger for trousers, a
 * book for each kind of book).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecError } from '../../core/errors.ts';
import { REPO_ROOT } from '../lib/paths.ts';

/** Where the icon set's outline SVG files are. */
export const DEMO_ICON_DIR = join(REPO_ROOT, 'node_modules', '@tabler', 'icons', 'icons', 'outline');

/** The icon (a file name in DEMO_ICON_DIR without `.svg`) of each product type. */
export const DEMO_TYPE_ICONS: Readonly<Record<string, string>> = {
  // Electronics
  'Wireless Earbuds': 'device-airpods',
  'Bluetooth Speaker': 'device-speaker',
  'Noise-Cancelling Headphones': 'headphones',
  Smartwatch: 'device-watch',
  'Fitness Tracker': 'device-watch-stats',
  Tablet: 'device-tablet',
  Laptop: 'device-laptop',
  '4K Monitor': 'device-desktop',
  'Mechanical Keyboard': 'keyboard',
  'Wireless Mouse': 'mouse',
  'USB-C Charger': 'plug-connected',
  'Power Bank': 'battery-charging',
  Webcam: 'device-computer-camera',
  'Smart Speaker': 'smart-home',
  'Action Camera': 'camera',
  'E-Reader': 'book-2',
  'Portable SSD': 'device-sd-card',
  'Wi-Fi Router': 'router',
  Soundbar: 'speakerphone',
  'Streaming Stick': 'device-tv',
  // Kitchen
  Saucepan: 'soup',
  'Frying Pan': 'egg-fried',
  'Cutting Board': 'layout-board',
  'Stand Mixer': 'blender',
  Blender: 'blender',
  Toaster: 'bread',
  'Electric Kettle': 'teapot',
  'Coffee Grinder': 'coffee',
  'French Press': 'coffee',
  'Cast Iron Skillet': 'grill-spatula',
  'Dutch Oven': 'cooker',
  'Mixing Bowl Set': 'bowl',
  'Baking Sheet': 'cookie',
  'Measuring Cups': 'cup',
  'Salad Spinner': 'salad',
  'Rice Cooker': 'cooker',
  'Spice Rack': 'salt',
  "Chef's Knife": 'tools-kitchen-2',
  'Knife Block': 'tools-kitchen',
  Colander: 'bowl-spoon',
  'Air Fryer': 'microwave',
  // Home & Furniture
  Sofa: 'sofa',
  Armchair: 'armchair',
  'Coffee Table': 'table',
  'Dining Table': 'table',
  'Dining Chair': 'chair-director',
  Bookshelf: 'books',
  'Bed Frame': 'bed',
  Nightstand: 'lamp-2',
  Wardrobe: 'hanger',
  'Writing Desk': 'desk',
  'Swivel Office Chair': 'armchair-2',
  'TV Stand': 'device-tv-old',
  'Floor Lamp': 'lamp',
  'Chest of Drawers': 'archive',
  'Bar Stool': 'glass-cocktail',
  Sideboard: 'table',
  Ottoman: 'armchair-2',
  'Console Table': 'table',
  // Garden
  'Garden Hose': 'droplets',
  'Pruning Shears': 'scissors',
  'Raised Garden Bed': 'plant-2',
  'Lawn Mower': 'lawn-mower',
  'Leaf Blower': 'leaf',
  'Watering Can': 'bucket-droplet',
  'Flower Planter': 'flower',
  'Bird Feeder': 'feather',
  'Compost Bin': 'recycle',
  'Gardening Gloves': 'shovel-pitchforks',
  Wheelbarrow: 'garden-cart',
  'Hedge Trimmer': 'razor-electric',
  'Lawn Sprinkler': 'droplet-half-2',
  'Patio Umbrella': 'umbrella',
  'Seed Starter Kit': 'seedling',
  'Solar Path Lights': 'solar-panel',
  'Hand Trowel': 'trowel',
  'Garden Bench': 'fence',
  // Sports & Outdoors
  'Camping Tent': 'tent',
  'Sleeping Bag': 'campfire',
  'Hiking Backpack': 'backpack',
  'Yoga Mat': 'yoga',
  'Adjustable Dumbbells': 'barbell',
  'Resistance Bands': 'stretching',
  'Trekking Poles': 'trekking',
  'Insulated Water Bottle': 'bottle',
  'Bike Helmet': 'helmet',
  'Road Bike': 'bike',
  'Camping Stove': 'flame',
  Headlamp: 'bulb',
  'Kayak Paddle': 'kayak',
  'Jump Rope': 'jump-rope',
  'Foam Roller': 'stretching-2',
  'Tennis Racket': 'ball-tennis',
  Football: 'ball-football',
  'Climbing Harness': 'mountain',
  'Fishing Rod': 'fish-hook',
  // Beauty
  'Face Moisturiser': 'droplet-heart',
  'Vitamin C Serum': 'droplet',
  Lipstick: 'brush',
  Mascara: 'eye',
  'Liquid Foundation': 'droplet-half',
  Shampoo: 'bottle',
  Conditioner: 'bottle',
  'Body Lotion': 'droplets',
  'Sunscreen SPF 50': 'sun',
  'Eye Cream': 'eye-heart',
  'Nail Polish': 'brush',
  'Eau de Parfum': 'perfume',
  'Cleansing Balm': 'droplet-heart',
  'Facial Toner': 'spray',
  'Clay Face Mask': 'mask',
  'Dry Shampoo': 'spray',
  'Hand Cream': 'hand-finger',
  'Lip Balm': 'mood-smile',
  // Toys & Games
  'Building Blocks Set': 'lego',
  'Plush Teddy Bear': 'mood-kid',
  'Remote Control Car': 'car',
  'Jigsaw Puzzle': 'puzzle',
  'Doll House': 'home',
  'Wooden Train Set': 'train',
  'Family Board Game': 'dice',
  'Play Kitchen': 'chef-hat',
  'Action Figure': 'robot',
  'Stunt Kite': 'windsock',
  'Stacking Rings': 'rings',
  'Arts and Crafts Kit': 'palette',
  'Science Experiment Kit': 'flask',
  'Kids Scooter': 'scooter',
  'Marble Run': 'ball-bowling',
  'Puppet Theatre': 'masks-theater',
  'Bath Toys': 'bath',
  'Play Tent': 'tent',
  // Books
  "Children's Picture Book": 'mood-kid',
  'Mystery Novel': 'book',
  'Crime Thriller': 'book',
  Cookbook: 'chef-hat',
  'Travel Guide': 'map-2',
  Biography: 'user',
  'Poetry Collection': 'feather',
  'Graphic Novel': 'book-2',
  'Science Fiction Novel': 'rocket',
  'Fantasy Saga': 'dragon',
  'History Book': 'history',
  'Self-Help Book': 'heart-handshake',
  'Art Book': 'palette',
  'Romance Novel': 'hearts',
  'Nature Field Guide': 'trees',
  'Short Story Collection': 'books',
  // Clothing
  'T-Shirt': 'shirt',
  Hoodie: 'shirt',
  'Trucker Jacket': 'jacket',
  'Crew-Neck Sweater': 'shirt',
  Chinos: 'hanger',
  Jeans: 'hanger',
  'Summer Dress': 'hanger-2',
  Raincoat: 'umbrella',
  'Puffer Jacket': 'jacket',
  'Button-Down Shirt': 'shirt',
  'Pyjama Set': 'moon',
  Cardigan: 'jacket',
  Leggings: 'hanger',
  Blazer: 'tie',
  'Polo Shirt': 'shirt-sport',
  'Midi Skirt': 'hanger-2',
  'Knitted Scarf': 'ribbon-health',
  'Socks Multipack': 'sock',
  // Shoes
  'Running Shoes': 'shoe',
  'Trail Running Shoes': 'shoe',
  'Leather Boots': 'shoe',
  'Chelsea Boots': 'shoe',
  Sneakers: 'shoe',
  'Penny Loafers': 'shoe',
  Sandals: 'flip-flops',
  'Hiking Boots': 'trekking',
  Slippers: 'flip-flops',
  'High Heels': 'shoe',
  'Ballet Flats': 'shoe',
  'Rain Boots': 'cloud-rain',
  Espadrilles: 'flip-flops',
  'Oxford Shoes': 'shoe',
  'Slip-On Canvas Shoes': 'shoe',
  'Football Boots': 'ball-football',
  // Pet Supplies
  'Dog Bed': 'dog',
  'Cat Scratching Post': 'cat',
  'Dog Leash': 'dog',
  'Cat Litter Box': 'box',
  'Dog Chew Toy': 'bone',
  'Pet Carrier': 'paw',
  'Aquarium Filter': 'fish',
  'Bird Cage': 'feather',
  'Dog Harness': 'dog',
  'Cat Tree': 'cat',
  'Pet Water Fountain': 'fountain',
  'Pet Grooming Brush': 'brush',
  'Dry Dog Food': 'dog-bowl',
  'Cat Treats': 'fish-bone',
  'Hamster Cage': 'paw',
  'Pet Food Bowl': 'dog-bowl',
  'Dog Raincoat': 'umbrella',
  // Grocery
  'Extra Virgin Olive Oil': 'bottle',
  'Ground Coffee': 'coffee',
  'Green Tea': 'teapot',
  'Dark Chocolate': 'candy',
  'Basmati Rice': 'bowl-chopsticks',
  'Durum Wheat Pasta': 'wheat',
  'Wildflower Honey': 'flower',
  Granola: 'grain',
  'Peanut Butter': 'nut',
  'Maple Syrup': 'leaf-maple',
  'Sea Salt': 'salt',
  'Tomato Pasta Sauce': 'soup',
  'Roasted Almonds': 'nut',
  'Oat Milk': 'milk',
  'Sourdough Crackers': 'baguette',
  'Strawberry Jam': 'cherry',
  'Curry Spice Blend': 'pepper',
  'Coconut Water': 'glass-full',
  'Dried Mango': 'lemon-2',
  // Office
  Notebook: 'notebook',
  'Ballpoint Pens': 'ballpen',
  'Desk Organiser': 'pencil',
  Stapler: 'paperclip',
  'Filing Cabinet': 'archive',
  Whiteboard: 'presentation',
  'Sticky Notes': 'note',
  'Desk Lamp': 'lamp-2',
  'Paper Shredder': 'shredder',
  'Label Maker': 'label',
  'Printer Paper': 'printer',
  'Monitor Riser': 'device-desktop',
  'Document Folder': 'folder',
  'Weekly Planner': 'calendar-week',
  'Highlighter Set': 'highlight',
  'Letter Tray': 'inbox',
  'Desk Calculator': 'calculator',
  'Cork Bulletin Board': 'pinned',
  // Jewellery
  Necklace: 'diamond',
  Pendant: 'diamond',
  'Stud Earrings': 'diamonds',
  'Hoop Earrings': 'circle-dot',
  Bracelet: 'link',
  'Charm Bracelet': 'link',
  'Stacking Ring': 'rings',
  'Engagement Ring': 'diamond',
  Cufflinks: 'tie',
  Anklet: 'link',
  Brooch: 'flower',
  'Dress Watch': 'device-watch',
  'Jewellery Box': 'gift',
  'Chain Necklace': 'link',
  'Signet Ring': 'crown',
};

const cache = new Map<string, string>();

/**
 * The drawing of a product type: the icon's shapes without the file's `<svg>` wrapper and its
 * invisible 24 x 24 bounding box, to be placed in a product's image.
 * @param type a product type (a noun of demo-vocab.ts).
 * @returns SVG elements in a 24 x 24 box, stroked with currentColor.
 * @throws RecError CONFIG_INVALID when the type has no icon or its file is missing (the dev
 *   dependency not installed).
 */
export function demoTypeIcon(type: string): string {
  const name = DEMO_TYPE_ICONS[type];
  if (name === undefined) throw new RecError('CONFIG_INVALID', `demo product type "${type}" has no icon in DEMO_TYPE_ICONS (demo-icons.ts)`);
  const known = cache.get(name);
  if (known !== undefined) return known;
  const file = join(DEMO_ICON_DIR, `${name}.svg`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RecError('CONFIG_INVALID', `the demo's icon ${file} cannot be read (is @tabler/icons installed? npm install)`, {}, { cause: error });
  }
  const shapes = [...text.matchAll(/<(path|circle|rect|line|polyline|polygon|ellipse)\b[^>]*\/>/g)]
    .map(([element]) => element.replace(/\s+/g, ' '))
    .filter((element) => !element.includes('stroke="none"'));
  if (shapes.length === 0) throw new RecError('CONFIG_INVALID', `the demo's icon ${file} has no shapes`);
  const drawing = shapes.join('');
  cache.set(name, drawing);
  return drawing;
}
