"""Template banks for generate_benign.py: written for this corpus (no third-party text).

Realistic API traffic, the kind a WAF must let through: prose with apostrophes and
quotes, names from many languages, SQL and shell discussed (not executed) in posts,
HTML from a CMS (no script), search syntax, identifiers of every shape.
"""

FIRST = ["Siobhán", "Zoë", "Łukasz", "Nguyễn Văn", "山田", "José", "Anaïs", "Bjørn", "Ömer",
         "Priya", "Chloé", "Dmitri", "Aoife", "Kwame", "Mei", "Renée", "Søren", "Jürgen",
         "Fatima", "Tomás", "Ingrid", "Raphaël", "Hiroshi", "Olga", "Seán", "Amélie", "Liam",
         "Noah", "Emma", "Sam", "Alex", "Jordan", "Maria", "Chris", "Dana", "Pat"]
LAST = ["O'Brien", "D'Angelo", "O'Neill", "McDonald", "Kowalski", "Nguyễn", "山田", "Müller",
        "García-López", "van der Berg", "Smith-Jones", "D'Souza", "Ó Súilleabháin", "Dubois",
        "Andersson", "Rossi", "Yılmaz", "Petrov", "Tanaka", "Okafor", "de la Cruz", "L'Écuyer",
        "Fitzgerald", "Nowak", "Schröder", "Brown", "Taylor", "Wilson", "Lee", "Martin"]
CITIES = ["Dublin", "Kraków", "Hà Nội", "東京", "São Paulo", "Zürich", "Montréal", "Köln",
          "Reykjavík", "Málaga", "Göteborg", "Cork", "Lyon", "Austin", "Toronto", "Leeds"]
PRODUCTS = ["the 27\" monitor", "this kettle", "the trail shoes (size 44)", "the espresso machine",
            "the kids' raincoat", "this backpack", "the noise-cancelling headphones",
            "the cast-iron pan", "the standing desk", "the e-reader", "this phone case",
            "the 2-in-1 charger", "the yoga mat", "the O'Reilly book on SQL", "the garden hose",
            "the router", "the mechanical keyboard", "the winter jacket (XL)"]
EMOJI = ["😀", "👍", "🎉", "❤️", "🙈", "🔥", "😅", "🤔", "✨", "🚀", "☕", "🙏", "😂", "👌"]

REVIEW = [
    "I've had {product} for {n} weeks now and honestly it's great{emoji}",
    "Didn't expect much, but {product} turned out to be worth every cent.",
    "Five stars — delivery was quick (2 days!) and the packaging wasn't excessive.",
    "Two stars: it works, but the manual says \"press and hold\" and that does nothing.",
    "My partner's verdict: \"best purchase this year\". I'd agree, mostly.",
    "Returned it. The colour wasn't what the photo showed (more grey than blue).",
    "Works as described; the app is clunky though & it asks for way too many permissions.",
    "Bought two — one for me, one for my mum's flat in {city}. Both fine so far.",
    "Quality is OK for the price; don't expect miracles. Would buy again? Probably.",
    "The seller (shout-out to {name}) answered within an hour. Great service!",
    "Size runs small: I'm usually a 42 and the 43 fits perfectly.",
    "It's loud. Like, really loud. 70 dB at 1 m if my phone's app is right.",
    "Update after 6 months: still going strong; battery's at ~90 % of the original.",
    "Not for me — too heavy (3.2 kg) — but my brother loves it, so 4/5.",
    "Can't fault it. Setup took < 10 minutes, even with the firmware update.",
    "Meh. It does the job; the \"premium\" finish scratches if you look at it wrong.",
]
POST = [
    "Quick update from {city}: we finally launched the new menu {emoji}",
    "Has anyone tried the new bakery on Main St.? Their sourdough's amazing (and cheap).",
    "Reminder: the community garden meeting is on Thursday at 7 pm — bring snacks!",
    "Thanks to everyone who came to {name}'s farewell; it wouldn't have been the same without you.",
    "We're hiring! Looking for a front-end dev who's comfortable with React & TypeScript.",
    "Just finished \"The Left Hand of Darkness\". Wow. Any recommendations for what's next?",
    "PSA: the 8:15 train is cancelled all week (works between {city} and the airport).",
    "Our dog, Biscuit, turned 10 today 🎂 — he's slower now but still steals socks.",
    "Does anyone know a plumber who'll come out on a Sunday? It's urgent-ish.",
    "Photos from Saturday's match are up; sorry they're blurry, I'm no pro (yet).",
    "Selling: kid's bike, 16\", good condition — €40 or best offer; pick-up only.",
    "Today I learned that \"OK\" might come from \"oll korrect\". Language is weird.",
    "Lost: a blue scarf near the library, sentimental value. If found, please DM me!",
    "Big thanks to {name} for fixing the printer (again) — you're a legend.",
    "Poll: tabs or spaces? (Please keep it civil; last time was... a lot.)",
]
COMMENT = [
    "Totally agree with {name} here.", "Haha, same! 😂", "Source? I'd like to read more.",
    "That's not what I heard, but okay.", "+1, this is exactly what I needed.",
    "Could you share the recipe? Pretty please {emoji}", "Where's this? Looks like {city}.",
    "I think you mean \"their\", not \"there\" ;)", "Following — same question here.",
    "Congrats!!! Well deserved.", "Not sure I'd call it \"the best\" — but it's close.",
    "Re: the last point — we tried that in 2019 and it didn't work (budget cuts).",
    "Can confirm: it's 50% off until Sunday.", "What's the difference vs. the 2022 model?",
    "@{name} you'll want to see this.", "Sorry, wrong thread! Please ignore.",
    "Is it dog-friendly? We've got a very excitable spaniel.",
    "Thanks — that fixed it. For anyone else: clear the cache, then log out & back in.",
]
TITLES = ["Weekend plans?", "Review: worth it", "Help needed", "Finally!", "A small rant",
          "Question about delivery", "Loved it", "Not what I expected", "Tips & tricks",
          "Best coffee in {city}?", "Update (long, sorry)", "Quick question",
          "Thoughts on the new design?", "It's here!", "Meet-up next week"]
TAGS = ["news", "reviews", "food", "travel", "tech", "diy", "family", "pets", "sport", "music",
        "books", "deals", "help", "c++", "node.js", "q&a", "how-to"]

SQL_SNIPPETS = [
    "SELECT id, name FROM users WHERE email = 'a@example.com' OR username = 'alice';",
    "SELECT * FROM orders WHERE status = 'shipped' OR status = 'delivered'\nORDER BY created_at DESC\nLIMIT 50;",
    "SELECT c.name, COUNT(o.id) AS orders\nFROM customers c\nLEFT JOIN orders o ON o.customer_id = c.id\nGROUP BY c.name\nHAVING COUNT(o.id) > 5;",
    "UPDATE products SET price = price * 1.1 WHERE category_id IN (3, 7, 12);",
    "INSERT INTO tags (name) VALUES ('sql'), ('postgres'), ('performance');",
    "DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL '30 days';",
    "SELECT name FROM employees WHERE manager_id IS NULL OR department = 'Sales';",
    "CREATE INDEX idx_orders_customer ON orders (customer_id, created_at);",
    "SELECT u.id FROM users u WHERE NOT EXISTS (\n  SELECT 1 FROM logins l WHERE l.user_id = u.id\n);",
    "SELECT product_id, SUM(qty) FROM order_lines GROUP BY product_id ORDER BY 2 DESC;",
    "SELECT * FROM events WHERE payload->>'type' = 'click' AND ts > '2024-01-01';",
    "WITH recent AS (\n  SELECT * FROM posts WHERE created_at > CURRENT_DATE - 7\n)\nSELECT author, COUNT(*) FROM recent GROUP BY author;",
    "SELECT title FROM books WHERE author = 'O''Brien' OR author LIKE 'D''Angelo%';",
    "ALTER TABLE invoices ADD COLUMN paid_at TIMESTAMP NULL;",
    "SELECT id FROM t1 UNION SELECT id FROM t2;",
    "DROP TABLE IF EXISTS tmp_import;",
    "SELECT CASE WHEN score >= 90 THEN 'A' WHEN score >= 80 THEN 'B' ELSE 'C' END AS grade FROM results;",
    "SELECT * FROM products WHERE name LIKE '%phone%' OR description LIKE '%phone%';",
    "EXPLAIN ANALYZE SELECT * FROM orders WHERE customer_id = 42;",
    "SELECT date_trunc('month', created_at) AS m, SUM(total) FROM orders GROUP BY 1 ORDER BY 1;",
]
SQL_INTRO = [
    "Hi all, I'm stuck on a query. This one is really slow (about 4 s on 2M rows):",
    "Why does this return duplicates? I'd expect one row per customer.",
    "For anyone searching later, this is what worked for me on Postgres 15:",
    "Is `OR` in the WHERE clause killing my index? Query below.",
    "Beginner question (sorry!): what's the difference between these two?",
    "Our DBA says we shouldn't do this in production; can someone explain why?",
    "Posting the fix from yesterday's thread so it doesn't get lost:",
    "MySQL 8 vs. SQLite give different results for this — which one's right?",
]
SQL_OUTRO = [
    "Any ideas? Thanks in advance!", "Edit: adding an index on (status) fixed it. Thanks @{name}!",
    "The table has ~2 million rows, if that matters.", "I've tried EXPLAIN but I don't get the output.",
    "Happy to share the schema if it helps.", "(Yes, I know `SELECT *` is bad; it's a quick test.)",
    "Solved — see my reply below.", "Cheers, {name}",
]

CODE_SNIPPETS = {
    "javascript": [
        "const res = await fetch('/api/v1/items?limit=10');\nconst items = await res.json();\nconsole.log(items.length);",
        "document.querySelector('#save').addEventListener('click', () => {\n  form.submit();\n});",
        "const total = cart.reduce((sum, item) => sum + item.price * item.qty, 0);",
        "export function debounce(fn, ms = 300) {\n  let t;\n  return (...args) => {\n    clearTimeout(t);\n    t = setTimeout(() => fn(...args), ms);\n  };\n}",
        "app.get('/health', (req, res) => res.json({ ok: true }));",
        "if (user && user.roles.includes('admin')) {\n  showAdminPanel();\n}",
        "const { data } = await axios.post('/login', { username, password });",
        "npm install --save-dev eslint prettier && npx eslint src/",
        "items.filter(x => x.price < 100).map(x => x.name).join(', ')",
        "let re = /^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$/i;",
    ],
    "python": [
        "import json\n\nwith open('data.json') as f:\n    data = json.load(f)\nprint(len(data['items']))",
        "for i, row in enumerate(rows):\n    if row['status'] == 'failed':\n        print(f\"row {i}: {row['error']}\")",
        "def slugify(s: str) -> str:\n    return re.sub(r'[^a-z0-9]+', '-', s.lower()).strip('-')",
        "import requests\nr = requests.get('https://api.example.com/v1/users', params={'page': 2})\nr.raise_for_status()",
        "subprocess.run(['git', 'status', '--short'], check=True)",
        "df = pd.read_csv('sales.csv')\nprint(df.groupby('region')['total'].sum())",
        "class Config:\n    debug = False\n    db_url = os.environ.get('DATABASE_URL', 'sqlite:///app.db')",
        "python -m venv .venv && source .venv/bin/activate && pip install -r requirements.txt",
        "assert parse('2024-03-01') == date(2024, 3, 1)",
    ],
    "shell": [
        "rm -rf build/ && mkdir build && cd build && cmake .. && make -j4",
        "curl -s https://api.example.com/v1/items?limit=5 | jq '.items[] | .name'",
        "find . -name '*.log' -mtime +7 -delete",
        "tar -czf backup-$(date +%F).tar.gz ~/projects",
        "grep -rn 'TODO' src/ | wc -l",
        "docker compose up -d && docker compose logs -f api",
        "ssh deploy@web01 'sudo systemctl restart nginx'",
        "for f in *.png; do convert \"$f\" -resize 50% \"small-$f\"; done",
        "export PATH=\"$HOME/.local/bin:$PATH\"",
        "git log --oneline --since='2 weeks ago' | head -20",
        "kubectl get pods -n staging -o wide",
        "ls -la /var/www/html && cat /etc/nginx/sites-enabled/default",
    ],
}
CODE_INTRO = [
    "Here's how I did it:", "Quick snippet for anyone who needs it:", "This works for me:",
    "Why does this fail on CI but not locally?", "Cleaner version of the above:",
    "Got this from the docs, slightly modified:", "Minimal repro:", "My build script, FYI:",
]

SEARCHES = [
    "\"exact phrase\" -foo site:example.com", "c++ \"std::vector\" erase while iterating",
    "O'Brien's pub opening hours", "rock & roll t-shirt", "AT&T vs T-Mobile 5G",
    "1/2 inch drill bit", "5' 11\" in cm", "\"how to\" select multiple rows excel",
    "C# async/await deadlock", "node.js vs deno 2024", "price:<100 brand:\"O'Neill\"",
    "title:(python OR golang) remote", "best pizza in {city}", "what's the weather in {city}",
    "how to drop a table in postgres", "union station parking", "select comfort mattress review",
    "\"update\" vs \"upgrade\" difference", "where to buy 'Le Creuset' pan", "100% cotton sheets",
    "iphone 15 -pro case", "kids' shoes size 30", "rm -rf meaning", "wget vs curl",
    "java.lang.NullPointerException fix", "C:\\Program Files\\ missing", "sql order by desc",
    "script writing course", "alert sound settings android", "admin password reset",
    "{name}", "{first} {last} obituary", "tom & jerry", "ben & jerry's ice cream",
    "2+2=4 proof", "a <= b and b <= c", "email@example.com", "#hashtag meaning",
    "¿dónde está la estación?", "東京 ラーメン おすすめ", "Zürich Hauptbahnhof öffnungszeiten",
    "café near me", "\"drop shipping\" uk", "or else movie 2023", "and/or grammar",
    "select all shortcut mac", "exec summary template", "javascript: void(0) error chrome",
]

HTML_BLOCKS = [
    "<p>Welcome to our new store in {city}! We're open <b>Monday–Saturday</b>, 9:00–18:00.</p>",
    "<h2>Opening hours</h2><table><thead><tr><th>Day</th><th>Hours</th></tr></thead><tbody><tr><td>Mon–Fri</td><td>9–18</td></tr><tr><td>Sat</td><td>10–16</td></tr></tbody></table>",
    "<p>Read the <a href=\"https://www.example.com/terms?lang=en&amp;v=2\">terms &amp; conditions</a> before ordering.</p>",
    "<p><img src=\"/media/2024/03/team.jpg\" alt=\"Our team at the {city} office\" width=\"640\" height=\"360\"></p>",
    "<ul><li>Free delivery over €50</li><li>30-day returns</li><li>Support in English, Deutsch &amp; Français</li></ul>",
    "<blockquote><p>\"Best service I've had in years.\" — {name}</p></blockquote>",
    "<p>Questions? Email <a href=\"mailto:help@example.com\">help@example.com</a> or call <strong>+353 1 555 0199</strong>.</p>",
    "<h3>What's new</h3><p>We've redesigned the checkout (it's faster) and added <em>Apple Pay</em>.</p>",
    "<p style=\"text-align:center\"><a class=\"button\" href=\"/shop/sale\">Shop the sale</a></p>",
    "<figure><img src=\"https://cdn.example.com/img/p/1234.png\" alt=\"Product photo: blue kettle\"><figcaption>The kettle in \"ocean blue\"</figcaption></figure>",
    "<p>Prices include VAT (23%). <small>Offer ends 31/03 or while stocks last.</small></p>",
    "<ol><li>Select your size</li><li>Add to basket</li><li>Pay &amp; relax</li></ol>",
    "<p>Line one<br>Line two<br/>Line three &mdash; with an em dash.</p>",
    "<div class=\"note\"><p><b>Note:</b> the car park on O'Connell St. is closed until May.</p></div>",
    "<p><a href=\"https://maps.example.com/?q=53.3498,-6.2603&amp;z=15\" target=\"_blank\" rel=\"noopener\">Find us on the map</a></p>",
    "<h1>{title}</h1><p>{sentence}</p>",
    "<p>{sentence}</p><p>{sentence}</p>",
    "<table class=\"specs\"><tr><th>Weight</th><td>1.2 kg</td></tr><tr><th>Size</th><td>30 × 20 × 5 cm</td></tr></table>",
    "<p>Use code <code>SPRING24</code> at checkout &ndash; 10% off.</p>",
    "<p><iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" width=\"560\" height=\"315\" allowfullscreen></iframe></p>",
]

EMAIL_LOCAL = ["zoe.obrien", "o'brien", "lukasz.nowak", "dangelo+shop", "yamada.taro",
               "j.smith", "anais-dubois", "support", "first.last+newsletter", "bjorn_a"]
DOMAINS = ["example.com", "example.co.uk", "mail.example.org", "example.ie", "sub.example.net"]
UNIX_PATHS = ["/var/lib/app/data.db", "~/projects/centinela/README.md", "/home/alice/photos/2024/IMG_0042.JPG",
              "/usr/local/bin/backup.sh", "./build/release/app", "/srv/www/uploads/report (final).pdf",
              "/tmp/export-2024-03-01.csv", "../assets/logo.svg"]
WIN_PATHS = ["C:\\Users\\Łukasz\\Documents\\report (final).docx", "D:\\Photos\\2023\\Summer\\beach.jpg",
             "C:\\Program Files\\MyApp\\config.ini", "\\\\fileserver\\shared\\Q1 budget.xlsx",
             "C:\\Users\\Public\\Desktop\\notes.txt"]
URLS = ["https://app.example.com/callback?state=af0ifjsldkj&code=SplxlOBeZQQYbYS6WxSbIA",
        "https://www.example.com/products/123?utm_source=newsletter&utm_medium=email",
        "https://shop.example.co.uk/search?q=red+shoes&size=42&sort=price_asc",
        "https://example.org/wiki/O%27Brien_(surname)", "http://localhost:3000/dashboard#settings",
        "https://cdn.example.net/v1/img.png?w=640&h=480&fit=crop",
        "https://maps.example.com/?ll=40.7128,-74.0060&z=12"]
PRICES = ["19.99", "1299.00", "€1.299,00", "$5", "£12.50", "0.99", "1,000.00", "¥3,980", "100"]
VERSIONS = ["1.2.3", "2.0.0-beta.1", "1.2.3-rc.2+build.5", "v4.18.0", "10.42", "3.11.7", "0.9.0-alpha"]
PASSWORD_PIECES = ["it's", "O'Brien", "pa$$", "word", ";", "&", "--", "1234", "Zoë", "!", "#",
                   "(x)", "\"q\"", "=", "%", "<3", "select", "drop", "or", "and", "🔥", "--force"]
STREETS = ["Flat 2; 10 O'Connell St.", "12 Rue de l'Église", "Apt. #4B, 221 Baker St",
           "Königstraße 5 (Hinterhaus)", "3-2-1 Nishi-Shinjuku", "Unit 7 & 8, Dock Rd",
           "Calle Mayor, 15 - 2ºB"]
