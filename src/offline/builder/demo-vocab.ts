/**
 * Vocabulary of the demo catalogue: one table per department, each with its own product nouns
 * (with a plausible price range), title adjectives, materials, features, uses and a description
 * template. Everything an item says comes from its own department's table, so titles and
 * descriptions stay department-coherent and the sentence encoder's vectors cluster by department
 * (faker's `commerce.productName()` mixes nouns across departments and would blur that).
 * Pure data plus tiny template functions; the seeded choices are made in demo-catalog.ts.
 */

/** A product noun with its price range in euros. */
export interface DemoNoun {
  readonly noun: string;
  readonly min: number;
  readonly max: number;
  /** Materials that fit this noun better than the department's (a lawn mower is not terracotta). */
  readonly materials?: readonly string[];
  /** Features that fit this noun better than the department's. */
  readonly features?: readonly string[];
}

/** The choices made for one item, passed to its department's description template. */
export interface DemoPicks {
  readonly noun: string;
  readonly adjective: string;
  readonly material: string;
  readonly feature: string;
  readonly feature2: string;
  readonly use: string;
  readonly closing: string;
  readonly colour: string;
  /** A person's surname from faker: the author of a book, otherwise unused. */
  readonly person: string;
  /** A small integer in [2, 5] (years of warranty, etc.). */
  readonly small: number;
}

/** One department of the demo shop. */
export interface DemoDepartment {
  readonly name: string;
  /** Base hue (degrees) of the department's images. */
  readonly hue: number;
  readonly nouns: readonly DemoNoun[];
  readonly adjectives: readonly string[];
  readonly materials: readonly string[];
  readonly features: readonly string[];
  readonly uses: readonly string[];
  readonly closings: readonly string[];
  /** Extra words after the noun in the title (sizes, pack counts), or none. */
  readonly titleSuffixes?: readonly string[];
  /** Whether the title starts with a brand (books use "by <author>" instead). */
  readonly branded: boolean;
  readonly describe: (p: DemoPicks) => string;
}

const n = (noun: string, min: number, max: number, overrides: Pick<DemoNoun, 'materials' | 'features'> = {}): DemoNoun => ({ noun, min, max, ...overrides });
/** Lower-cases capitalised words ("Frying Pan" -> "frying pan") but keeps acronyms ("USB-C", "TV", "4K"). */
const lower = (s: string): string => s.replace(/\b[A-Z][a-z]+/g, (word) => word.toLowerCase());

const KITCHEN_APPLIANCE = { materials: ['brushed stainless steel', 'matte black plastic', 'cream enamel'], features: ['several speed settings', 'an auto shut-off', 'a removable, washable jug', 'a compact footprint', 'quiet operation'] };
const GARDEN_POWER = { materials: ['steel and recycled plastic', 'lightweight aluminium', 'impact-resistant polymer'], features: ['a 40V lithium battery', 'a quiet brushless motor', 'a comfortable grip', 'a safety lock'] };
const HAIR = { features: ['dry, damaged hair', 'curly hair', 'fine hair', 'all hair types', 'coloured hair'] };
const PET_FOOD = { materials: ['real chicken', 'wild salmon', 'wholesome grains', 'vet-approved ingredients'], features: ['added vitamins', 'no artificial colours', 'a resealable bag'] };
const TOY_RIDE = { materials: ['sturdy metal', 'tough ABS plastic'], features: ['rechargeable batteries', 'shock-absorbing wheels', 'lights and sounds'] };

/** The fourteen departments of the demo shop, in display order. */
export const DEMO_DEPARTMENTS: readonly DemoDepartment[] = [
  {
    name: 'Electronics',
    hue: 212,
    branded: true,
    nouns: [
      n('Wireless Earbuds', 29, 199), n('Bluetooth Speaker', 25, 249), n('Noise-Cancelling Headphones', 79, 399),
      n('Smartwatch', 99, 449), n('Fitness Tracker', 39, 149), n('Tablet', 129, 899), n('Laptop', 399, 2199),
      n('4K Monitor', 179, 799), n('Mechanical Keyboard', 49, 219), n('Wireless Mouse', 15, 99), n('USB-C Charger', 15, 69),
      n('Power Bank', 19, 89), n('Webcam', 35, 179), n('Smart Speaker', 39, 199), n('Action Camera', 99, 449),
      n('E-Reader', 89, 249), n('Portable SSD', 59, 299), n('Wi-Fi Router', 49, 349), n('Soundbar', 99, 699), n('Streaming Stick', 29, 79),
    ],
    adjectives: ['Wireless', 'Compact', 'Portable', 'Smart', 'Ultra-Slim', 'High-Resolution', 'Fast-Charging', 'Pro', 'Rechargeable', 'Low-Latency'],
    materials: ['an aluminium body', 'a matte polycarbonate shell', 'a Gorilla Glass screen', 'a recycled plastic housing'],
    features: ['Bluetooth 5.3', 'USB-C fast charging', '30-hour battery life', 'active noise cancellation', 'a bright OLED display', 'voice assistant support', 'Wi-Fi 6 connectivity', 'multi-device pairing', '4K video recording', 'a low-power chip'],
    uses: ['remote work and video calls', 'gaming and streaming', 'commuting and travel', 'movies and music', 'study and everyday productivity'],
    closings: ['Firmware updates included.', 'Ships with a USB-C cable.', 'Easy setup from your phone.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} with ${p.feature}, ${p.feature2} and ${p.material}. Great for ${p.use}, with a ${p.small}-year warranty. ${p.closing}`,
  },
  {
    name: 'Kitchen',
    hue: 18,
    branded: true,
    nouns: [
      n('Saucepan', 19, 129), n('Frying Pan', 19, 149), n("Chef's Knife", 25, 189), n('Cutting Board', 12, 69), n('Stand Mixer', 149, 599, KITCHEN_APPLIANCE),
      n('Blender', 39, 399, KITCHEN_APPLIANCE), n('Toaster', 25, 149, KITCHEN_APPLIANCE), n('Electric Kettle', 19, 129, KITCHEN_APPLIANCE), n('Coffee Grinder', 25, 199, KITCHEN_APPLIANCE), n('French Press', 19, 69),
      n('Cast Iron Skillet', 25, 129), n('Dutch Oven', 49, 349), n('Mixing Bowl Set', 15, 69), n('Baking Sheet', 9, 39), n('Measuring Cups', 8, 29),
      n('Salad Spinner', 15, 45), n('Rice Cooker', 39, 229, KITCHEN_APPLIANCE), n('Spice Rack', 15, 79), n('Knife Block', 39, 249), n('Colander', 9, 39), n('Air Fryer', 59, 249, KITCHEN_APPLIANCE),
    ],
    adjectives: ['Non-Stick', 'Dishwasher-Safe', 'Professional', 'Everyday', 'Heavy-Duty', 'Compact', 'Premium', 'Classic'],
    materials: ['stainless steel', 'cast iron', 'enamelled steel', 'bamboo', 'borosilicate glass', 'hard-anodised aluminium', 'ceramic', 'beech wood'],
    features: ['even heat distribution', 'a stay-cool handle', 'an induction-ready base', 'a non-slip grip', 'easy cleaning', 'a drip-free spout'],
    uses: ['weeknight dinners', 'family meals', 'weekend baking', 'morning coffee', 'batch cooking and meal prep'],
    closings: ['A reliable kitchen essential.', 'Cooks and cleans up with ease.', 'Made for home cooks.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} made of ${p.material} with ${p.feature} and ${p.feature2}, ready for ${p.use}. ${p.closing}`,
  },
  {
    name: 'Furniture',
    hue: 32,
    branded: true,
    nouns: [
      n('Sofa', 399, 2499), n('Armchair', 149, 899), n('Coffee Table', 79, 599), n('Dining Table', 199, 1499), n('Dining Chair', 49, 299),
      n('Bookshelf', 59, 499), n('Bed Frame', 199, 1299), n('Nightstand', 49, 299), n('Wardrobe', 199, 1199), n('Writing Desk', 99, 799),
      n('Swivel Office Chair', 89, 599), n('TV Stand', 79, 499), n('Floor Lamp', 39, 249), n('Chest of Drawers', 129, 699), n('Bar Stool', 39, 199),
      n('Sideboard', 199, 999), n('Ottoman', 49, 299), n('Console Table', 79, 449),
    ],
    adjectives: ['Mid-Century', 'Scandinavian', 'Modern', 'Rustic', 'Minimalist', 'Industrial', 'Contemporary', 'Compact'],
    materials: ['solid oak', 'walnut veneer', 'powder-coated steel', 'linen upholstery', 'velvet upholstery', 'reclaimed pine', 'natural rattan', 'tempered glass'],
    features: ['tapered legs', 'soft-close drawers', 'hidden storage', 'tool-free assembly', 'stain-resistant fabric', 'adjustable feet'],
    uses: ['living rooms', 'small apartments', 'dining rooms', 'bedrooms', 'reading corners'],
    closings: ['Delivered flat-packed.', 'Sturdy and built to last.', 'Fits any interior style.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} crafted from ${p.material} with ${p.feature}. Home furniture for ${p.use}. ${p.closing}`,
  },
  {
    name: 'Garden',
    hue: 118,
    branded: true,
    nouns: [
      n('Garden Hose', 19, 89), n('Pruning Shears', 12, 59), n('Raised Garden Bed', 49, 249), n('Lawn Mower', 149, 699, GARDEN_POWER), n('Leaf Blower', 59, 299, GARDEN_POWER),
      n('Watering Can', 12, 45), n('Flower Planter', 15, 129), n('Bird Feeder', 15, 69), n('Compost Bin', 29, 149), n('Gardening Gloves', 8, 29),
      n('Wheelbarrow', 49, 199), n('Hedge Trimmer', 49, 249, GARDEN_POWER), n('Lawn Sprinkler', 12, 69), n('Patio Umbrella', 49, 299), n('Seed Starter Kit', 15, 49),
      n('Solar Path Lights', 19, 79), n('Hand Trowel', 8, 35), n('Garden Bench', 99, 449),
    ],
    adjectives: ['Weatherproof', 'Sturdy', 'Galvanised', 'Ergonomic', 'Heavy-Duty', 'Frost-Resistant', 'Lightweight', 'Eco-Friendly'],
    materials: ['galvanised steel', 'recycled plastic', 'cedar wood', 'terracotta', 'UV-stable resin', 'powder-coated aluminium'],
    features: ['rust-proof fittings', 'an adjustable nozzle', 'a 40V lithium battery', 'drainage holes', 'a comfortable grip', 'a fold-flat frame'],
    uses: ['vegetable beds and flower borders', 'lawns and hedges', 'patios and balconies', 'growing herbs and tomatoes', 'backyard wildlife'],
    closings: ['Made for outdoor gardening.', 'Stands up to sun and rain.', 'Helps your plants thrive.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} of ${p.material} with ${p.feature}, for ${p.use} in every season. ${p.closing}`,
  },
  {
    name: 'Sports & Outdoors',
    hue: 160,
    branded: true,
    nouns: [
      n('Camping Tent', 79, 599), n('Sleeping Bag', 39, 299), n('Hiking Backpack', 49, 249), n('Yoga Mat', 19, 99), n('Adjustable Dumbbells', 49, 399),
      n('Resistance Bands', 12, 45), n('Trekking Poles', 29, 149), n('Insulated Water Bottle', 12, 45), n('Bike Helmet', 39, 199), n('Road Bike', 499, 2499),
      n('Camping Stove', 29, 149), n('Headlamp', 15, 79), n('Kayak Paddle', 49, 199), n('Jump Rope', 8, 29), n('Foam Roller', 15, 49),
      n('Tennis Racket', 29, 229), n('Football', 15, 59), n('Climbing Harness', 49, 149), n('Fishing Rod', 29, 249),
    ],
    adjectives: ['Lightweight', 'Waterproof', 'Packable', 'Breathable', 'Ultralight', 'All-Season', 'Durable', 'Adjustable'],
    materials: ['ripstop nylon', 'carbon fibre', 'high-density foam', 'aircraft-grade aluminium', 'natural rubber'],
    features: ['a reinforced base', 'quick-dry fabric', 'padded straps', 'a non-slip surface', 'reflective details', 'a compact carry bag'],
    uses: ['hiking and camping trips', 'home workouts', 'cycling and running', 'weekend climbing', 'team training sessions'],
    closings: ['Tested in tough outdoor conditions.', 'For an active lifestyle.', 'Packs down small.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} in ${p.material} with ${p.feature} and ${p.feature2}. Sports gear built for ${p.use}. ${p.closing}`,
  },
  {
    name: 'Beauty',
    hue: 330,
    branded: true,
    nouns: [
      n('Face Moisturiser', 12, 79), n('Vitamin C Serum', 15, 89), n('Lipstick', 9, 45), n('Mascara', 8, 35), n('Liquid Foundation', 15, 59),
      n('Shampoo', 7, 39, HAIR), n('Conditioner', 7, 39, HAIR), n('Body Lotion', 8, 39), n('Sunscreen SPF 50', 9, 39), n('Eye Cream', 15, 89),
      n('Nail Polish', 6, 22), n('Eau de Parfum', 29, 149), n('Cleansing Balm', 12, 49), n('Facial Toner', 9, 35), n('Clay Face Mask', 9, 39),
      n('Dry Shampoo', 6, 19, HAIR), n('Hand Cream', 5, 25), n('Lip Balm', 4, 15),
    ],
    adjectives: ['Hydrating', 'Nourishing', 'Fragrance-Free', 'Long-Lasting', 'Brightening', 'Vegan', 'Gentle', 'Soothing'],
    materials: ['hyaluronic acid', 'shea butter', 'vitamin C', 'niacinamide', 'argan oil', 'aloe vera', 'jojoba oil', 'ceramides'],
    features: ['dry skin', 'sensitive skin', 'all skin types', 'oily skin', 'dull, tired skin', 'combination skin'],
    uses: ['morning skincare', 'evening self-care', 'everyday makeup', 'a glowing complexion'],
    closings: ['Dermatologist-tested and cruelty-free.', 'Free from parabens.', 'A cosmetics favourite.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} enriched with ${p.material} for ${p.feature}, perfect for ${p.use}. ${p.closing}`,
  },
  {
    name: 'Toys',
    hue: 48,
    branded: true,
    nouns: [
      n('Building Blocks Set', 15, 129), n('Plush Teddy Bear', 12, 49), n('Remote Control Car', 25, 149, TOY_RIDE), n('Jigsaw Puzzle', 9, 35), n('Doll House', 49, 249),
      n('Wooden Train Set', 29, 149), n('Family Board Game', 15, 59), n('Play Kitchen', 59, 249), n('Action Figure', 9, 39), n('Stunt Kite', 12, 45),
      n('Stacking Rings', 8, 25), n('Arts and Crafts Kit', 12, 49), n('Science Experiment Kit', 19, 69), n('Kids Scooter', 39, 149, TOY_RIDE), n('Marble Run', 25, 89),
      n('Puppet Theatre', 29, 99), n('Bath Toys', 8, 25), n('Play Tent', 25, 89),
    ],
    adjectives: ['Colourful', 'Educational', 'Bright', 'Interactive', 'Creative', 'Cuddly', 'Classic', 'Musical'],
    materials: ['sustainable wood', 'soft plush', 'BPA-free plastic', 'sturdy cardboard'],
    features: ['rounded safe edges', 'non-toxic paint', 'easy-grip pieces', 'lights and sounds', 'a storage box'],
    uses: ['toddlers', 'children aged 3 and up', 'kids aged 6 to 10', 'the whole family', 'preschoolers'],
    closings: ['Encourages imaginative play.', 'Hours of fun for children.', 'A great birthday present for kids.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} in ${p.material} with ${p.feature}, a toy for ${p.use}. ${p.closing}`,
  },
  {
    name: 'Books',
    hue: 262,
    branded: false,
    nouns: [
      n('Mystery Novel', 7, 25), n('Crime Thriller', 7, 25), n('Cookbook', 15, 45), n('Travel Guide', 12, 35), n('Biography', 12, 35),
      n('Poetry Collection', 9, 25), n('Graphic Novel', 12, 35), n("Children's Picture Book", 6, 19), n('Science Fiction Novel', 7, 25),
      n('Fantasy Saga', 9, 29), n('History Book', 14, 39), n('Self-Help Book', 10, 28), n('Art Book', 25, 69), n('Romance Novel', 6, 19),
      n('Nature Field Guide', 12, 35), n('Short Story Collection', 9, 25),
    ],
    adjectives: ['Bestselling', 'Award-Winning', 'Illustrated', 'Hardcover', 'Paperback', 'Gripping', 'Classic'],
    materials: ['a small coastal town', 'a family secret', 'a daring expedition', 'seasonal home cooking', 'ancient Rome', 'life after the war', 'a journey to the stars', 'an unlikely friendship'],
    features: ['vivid characters', 'beautiful illustrations', 'sharp, witty prose', 'a twisting plot'],
    uses: ['book clubs', 'bedtime reading', 'long train journeys', 'curious readers'],
    closings: ['Praised by critics.', 'A must-read this year.', 'Now in its third printing.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} by ${p.person} about ${p.material}, with ${p.feature}. A book for ${p.use}, ${p.small * 100} pages. ${p.closing}`,
  },
  {
    name: 'Clothing',
    hue: 350,
    branded: true,
    nouns: [
      n('T-Shirt', 9, 39), n('Hoodie', 29, 89), n('Trucker Jacket', 49, 149), n('Crew-Neck Sweater', 39, 149), n('Chinos', 29, 89),
      n('Jeans', 29, 129, { materials: ['stretch denim', 'rigid selvedge denim', 'organic cotton denim'] }), n('Summer Dress', 29, 119), n('Raincoat', 49, 199), n('Puffer Jacket', 59, 249), n('Button-Down Shirt', 29, 89),
      n('Pyjama Set', 25, 69), n('Cardigan', 29, 99), n('Leggings', 15, 59), n('Blazer', 59, 249), n('Polo Shirt', 19, 59),
      n('Midi Skirt', 25, 79), n('Knitted Scarf', 12, 49), n('Socks Multipack', 9, 25),
    ],
    adjectives: ['Slim-Fit', 'Relaxed-Fit', 'Oversized', 'Classic', 'Lightweight', 'Cropped', 'Everyday', 'Tailored'],
    materials: ['organic cotton', 'merino wool', 'linen', 'stretch denim', 'recycled polyester', 'cashmere blend', 'soft jersey'],
    features: ['a soft brushed lining', 'breathable fabric', 'deep pockets', 'a tailored fit', 'a relaxed cut'],
    uses: ['sizes XS to XXL', 'regular and tall fits', 'sizes 6 to 20'],
    closings: ['An easy wardrobe staple.', 'Machine washable.', 'Fashion for every day.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} in ${p.colour} ${p.material} with ${p.feature}. Clothing available in ${p.use}. ${p.closing}`,
  },
  {
    name: 'Shoes',
    hue: 196,
    branded: true,
    nouns: [
      n('Running Shoes', 49, 189), n('Trail Running Shoes', 69, 199), n('Leather Boots', 79, 299), n('Chelsea Boots', 69, 249), n('Sneakers', 39, 149),
      n('Penny Loafers', 49, 199), n('Sandals', 19, 99), n('Hiking Boots', 79, 259), n('Slippers', 15, 59), n('High Heels', 39, 199),
      n('Ballet Flats', 29, 119), n('Rain Boots', 25, 89), n('Espadrilles', 25, 79), n('Oxford Shoes', 69, 249), n('Slip-On Canvas Shoes', 25, 69),
      n('Football Boots', 39, 199),
    ],
    adjectives: ['Cushioned', 'Waterproof', 'Breathable', 'Lightweight', 'Classic', 'Casual', 'Comfort-Fit', 'Handcrafted'],
    materials: ['full-grain leather', 'suede', 'breathable mesh', 'canvas', 'recycled knit', 'vegan leather'],
    features: ['a cushioned insole', 'a grippy rubber outsole', 'a padded heel collar', 'a wide toe box', 'a memory-foam footbed'],
    uses: ['EU sizes 36 to 46', 'half sizes and wide fits', 'EU sizes 38 to 47'],
    closings: ['Comfortable footwear that fits true to size.', 'Shoes made for all-day wear.', 'Free returns on footwear.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} in ${p.colour} ${p.material} with ${p.feature}, available in ${p.use}. ${p.closing}`,
  },
  {
    name: 'Pet Supplies',
    hue: 84,
    branded: true,
    nouns: [
      n('Dog Bed', 29, 149), n('Cat Scratching Post', 19, 99), n('Dog Leash', 9, 39), n('Cat Litter Box', 15, 89), n('Dog Chew Toy', 5, 19),
      n('Pet Carrier', 25, 99), n('Aquarium Filter', 15, 89), n('Bird Cage', 39, 199), n('Dog Harness', 15, 59), n('Cat Tree', 49, 199),
      n('Pet Water Fountain', 19, 59), n('Pet Grooming Brush', 8, 29), n('Dry Dog Food', 15, 79, PET_FOOD), n('Cat Treats', 3, 12, PET_FOOD), n('Hamster Cage', 29, 99),
      n('Pet Food Bowl', 8, 35), n('Dog Raincoat', 15, 45),
    ],
    adjectives: ['Durable', 'Premium', 'Washable', 'Everyday', 'Cosy', 'Reflective', 'Natural', 'Adjustable'],
    materials: ['non-toxic materials', 'recycled fabric', 'natural sisal', 'stainless steel', 'vet-approved ingredients'],
    features: ['a washable cover', 'an anti-slip base', 'reflective stitching', 'a vet-approved design', 'easy-clean surfaces'],
    uses: ['dogs of all sizes', 'indoor cats', 'puppies and kittens', 'small pets', 'senior pets'],
    closings: ['Keeps your pet happy and healthy.', 'Loved by pets and owners.', 'Pet care made simple.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} made with ${p.material} and ${p.feature}, suited to ${p.use}. ${p.closing}`,
  },
  {
    name: 'Grocery',
    hue: 96,
    branded: true,
    nouns: [
      n('Extra Virgin Olive Oil', 6, 24), n('Ground Coffee', 5, 18), n('Green Tea', 3, 12), n('Dark Chocolate', 2, 8), n('Basmati Rice', 3, 12),
      n('Durum Wheat Pasta', 1.5, 6), n('Wildflower Honey', 5, 18), n('Granola', 3, 9), n('Peanut Butter', 3, 9), n('Maple Syrup', 6, 19),
      n('Sea Salt', 2, 8), n('Tomato Pasta Sauce', 2, 7), n('Roasted Almonds', 5, 16), n('Oat Milk', 2, 5), n('Sourdough Crackers', 2, 6),
      n('Strawberry Jam', 3, 9), n('Curry Spice Blend', 3, 10), n('Coconut Water', 2, 6), n('Dried Mango', 3, 9),
    ],
    adjectives: ['Organic', 'Fair Trade', 'Artisan', 'Gluten-Free', 'Single-Origin', 'Premium', 'Small-Batch', 'Natural'],
    materials: ['sustainably sourced ingredients', 'family farms in Spain', 'growers in Colombia', 'the Kenyan highlands', 'Italian producers'],
    features: ['rich and smooth', 'bright and fruity', 'nutty and aromatic', 'sweet and mellow', 'savoury and tangy'],
    uses: ['breakfast', 'everyday cooking', 'healthy snacking', 'baking'],
    closings: ['A pantry favourite.', 'Food with no artificial additives.', 'Store in a cool, dry place.'],
    titleSuffixes: ['250 g', '500 g', '1 kg', '750 ml', '1 l', '6-pack'],
    describe: (p) => `${p.adjective} ${lower(p.noun)}, ${p.feature}, made from ${p.material}. Tasty food for ${p.use}. ${p.closing}`,
  },
  {
    name: 'Office',
    hue: 228,
    branded: true,
    nouns: [
      n('Notebook', 4, 25), n('Ballpoint Pens', 4, 19), n('Desk Organiser', 12, 49), n('Stapler', 8, 35), n('Filing Cabinet', 79, 299),
      n('Whiteboard', 25, 129), n('Sticky Notes', 3, 12), n('Desk Lamp', 19, 89), n('Paper Shredder', 39, 199), n('Label Maker', 25, 79),
      n('Printer Paper', 5, 29), n('Monitor Riser', 19, 79), n('Document Folder', 3, 15), n('Weekly Planner', 9, 35), n('Highlighter Set', 4, 15),
      n('Letter Tray', 8, 29), n('Desk Calculator', 8, 45), n('Cork Bulletin Board', 15, 59),
    ],
    adjectives: ['Refillable', 'Recycled', 'Ergonomic', 'Magnetic', 'A4', 'Heavy-Duty', 'Minimal', 'Professional'],
    materials: ['recycled paper', 'brushed metal', 'sturdy card', 'bamboo', 'clear acrylic'],
    features: ['acid-free paper', 'a metal spring mechanism', 'labelled compartments', 'a non-slip base', 'smudge-free ink'],
    uses: ['a tidy desk', 'meetings and planning', 'school and studying', 'busy workplaces'],
    closings: ['Office supplies that keep paperwork organised.', 'Stationery for every workspace.', 'Sold by the office pack.'],
    titleSuffixes: ['', '', 'Pack of 3', 'Pack of 10'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} in ${p.material} with ${p.feature}, for ${p.use}. ${p.closing}`,
  },
  {
    name: 'Jewellery',
    hue: 290,
    branded: true,
    nouns: [
      n('Necklace', 19, 399), n('Pendant', 19, 299), n('Stud Earrings', 15, 249), n('Hoop Earrings', 15, 199), n('Bracelet', 15, 249),
      n('Charm Bracelet', 25, 199), n('Stacking Ring', 19, 199), n('Engagement Ring', 499, 2999), n('Cufflinks', 25, 149), n('Anklet', 12, 79),
      n('Brooch', 15, 129), n('Dress Watch', 49, 499), n('Jewellery Box', 19, 99), n('Chain Necklace', 25, 299), n('Signet Ring', 49, 299),
    ],
    adjectives: ['Handmade', 'Minimalist', 'Vintage-Style', 'Dainty', 'Hypoallergenic', 'Elegant', 'Statement', 'Delicate'],
    materials: ['sterling silver', '14k gold', 'rose gold vermeil', 'freshwater pearls', 'cubic zirconia', 'recycled silver', 'natural gemstones'],
    features: ['a lobster clasp', 'an adjustable chain', 'a polished finish', 'a velvet gift box', 'hand-set stones'],
    uses: ['birthdays', 'anniversaries', 'weddings', 'everyday wear'],
    closings: ['A timeless jewellery gift.', 'Comes gift-wrapped.', 'Elegant and made to last.'],
    describe: (p) => `${p.adjective} ${lower(p.noun)} in ${p.material} with ${p.feature}. Fine jewellery for ${p.use}. ${p.closing}`,
  },
];
