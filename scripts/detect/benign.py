"""Benign request values written for the detection tests (ours, CC0): what
an API sees in names, prose, reviews, forum posts about SQL, search queries,
passwords, markdown with code, HTML from a CMS editor and plain API values.
`values()` returns them in a fixed order; corpus.py splits them like the
attack lists (SHA-256 of the value)."""

import itertools
import random

NAMES = ["O'Brien", "D'Angelo", "O'Neill", "D'Souza", "L'Oréal", "Zoë Saldaña", "Łukasz Żółw",
         "Nguyễn Văn An", "山田 太郎", "Mary-Kate O'Connor", "Jean-Luc d'Artagnan",
         "Ngũgĩ wa Thiong'o", "Shaquille O'Neal", "Dolores O'Riordan", "Conan O'Brien-Smith",
         "María José García-López", "Anne-Marie D'Arcy", "Sinéad O'Connor", "Des O'Connor",
         "Kim Il-sung", "Renée Zellweger", "Mc'Donald", "Jack O'Lantern", "Ta'Nehisi Coates"]

PROSE = [
    "Drop me a line when you're back in town!",
    "Please select your size and colour before checking out.",
    "Select your size: S, M, L or XL",
    "I'd like to update my shipping address, please.",
    "Where is my order? It's been 3 weeks and the tracking says 'in transit'.",
    "Union members meet every Tuesday (except holidays) at 7pm.",
    "The table was delivered with one leg missing -- not happy.",
    "Great product; would buy again. 5/5",
    "Don't drop the ball on this one, we're counting on you.",
    "We need to create a new account for the intern, and delete the old one.",
    "Can you insert a page break before section 3?",
    "Order by Friday to get free shipping & returns.",
    "Group by colour, then sort by price (lowest first).",
    "It's 50% off -- today only!!!",
    "Best pizza in town; the crust is thin & crispy, the sauce is sweet.",
    "He said \"select all\" and then hit delete. Oops.",
    "My cat knocked the glass off the table, then looked at me like it was my fault.",
    "Rock & roll, 1 or 2 sets, and drinks from 8 till late.",
    "Is there a way to exec a script on startup? Asking for a friend.",
    "Where and when: Main St. & 5th Ave, 6 pm - 9 pm",
    "Tickets: $25 (adults) / $10 (kids) -- or $50 for a family of 4",
    "Love it!!! <3 <3 would recommend to anyone who likes hiking.",
    "Cost was 2 x 3 = 6 dollars, or so I thought; turns out it's 7.",
    "I'm not sure whether to choose the blue one or the red one.",
    "This is the 1st time I've ordered & it arrived the next day :)",
    "Who's going to the meetup on Thursday? I can drive (4 seats).",
    "Note to self: cancel the gym membership before the 1st.",
    "Hello, I have a question about my invoice #4411 from last month.",
    "The update broke my login; I can't sign in from Firefox or Chrome.",
    "\"The best way out is always through.\" -- Robert Frost",
    "1 cup flour, 2 eggs, 1/2 cup milk; mix well and bake at 180°C for 20-25 min.",
    "Set the table for 6, please, and light the candles at 7.",
    "Sorry for the late reply -- I was out sick; let's reschedule to Mon or Tue?",
    "Our sales dropped 20% in Q3 (see attached), and we need a plan by 1 Oct.",
    "Which is better for a beginner: Python or JavaScript?",
    "I want to join the union but I'm not sure where to sign up.",
    "Admin said: \"don't delete anything from the shared drive\".",
    "5' 11\" tall, 180 lbs; size L fits perfectly.",
    "A 2' x 3' rug would fit the hallway, or maybe 3' x 5'.",
    "We're at 12 Baker St. -- ring the bell, it's the door on the left.",
    "Can't wait!! See y'all on Saturday ;-)",
    "Is it 'its' or 'it's'? I never remember.",
    "Items (3): shirt, socks & a hat -- total €42.50",
    "Password reset didn't work; the link says 'expired' after 5 minutes.",
    "ETA: 10-15 min. Traffic on I-95 is terrible.",
    "Refund requested for order 1234 -- item arrived broken (photos attached).",
    "Please don't update the prices until the sale is over.",
    "You can select multiple files by holding Ctrl or Shift.",
    "Replace the filter every 3 months or 500 hours, whichever comes first.",
    "Top 10 places to visit in Portugal (2024 edition)",
]

FORUM = [
    "How do I write `SELECT * FROM users WHERE name = 'bob'` without getting injected?",
    "Quick question: why does ```sql\nSELECT id, name FROM users WHERE age > 30 OR active = 1\n``` return duplicates?",
    "In SQL you'd write SELECT count(*) FROM orders GROUP BY customer_id; is there a pandas equivalent?",
    "Use a LEFT JOIN instead of a subquery, e.g. SELECT a.id FROM a LEFT JOIN b ON a.id = b.a_id WHERE b.id IS NULL.",
    "Never build queries like \"SELECT * FROM t WHERE x = '\" + input + \"'\" -- use parameters!",
    "DROP TABLE is irreversible, so take a backup first.",
    "The UNION of two sets is everything in either; the intersection is what's in both.",
    "My query `UPDATE accounts SET balance = balance - 100 WHERE id = 7` deadlocks under load. Ideas?",
    "Postgres tip: EXPLAIN ANALYZE tells you where the time goes.",
    "Is `ORDER BY RAND()` slow on big tables? Yes -- it sorts everything.",
    "Try:\n\n    select name, count(*)\n    from people\n    group by name\n    having count(*) > 1;\n\nto find duplicates.",
    "What's the difference between DELETE and TRUNCATE in MySQL?",
    "1=1 in a WHERE clause is a common trick for building dynamic filters.",
    "I keep getting \"ERROR 1064 (42000): You have an error in your SQL syntax\" near 'order'.",
    "Bobby Tables' mom named him Robert'); DROP TABLE Students;-- -- the classic xkcd 327.",
    "The sleep() function in PHP takes seconds, usleep() takes microseconds.",
    "In bash, `ls -la | grep foo` lists hidden files and filters them.",
    "To find large files: find . -size +100M (careful with / though).",
    "Use `rm -rf build/` then `cmake ..` to start over.",
    "Run `curl -s https://api.example.com/v1/items | jq '.items[0]'` to see the first item.",
    "Why does <script> inside a JSON string break my page? I escaped the quotes.",
    "The <b> tag is for bold, <strong> is for importance.",
    "Wrap it in a <div class=\"card\"> and give it some padding.",
    "`git log --oneline | head -5` shows the last five commits.",
    "In JS, `a && b || c` isn't the same as a ternary when b is falsy.",
    "cd ../ takes you up one directory; cd ../../ takes you up two.",
    "Relative links like ../images/logo.png break when the page moves.",
    "My alert() pops up twice -- is the handler registered twice?",
    "You can call console.log(JSON.stringify(obj, null, 2)) to pretty-print.",
    "Put config in ~/.config/app/settings.toml, not in the repo.",
]

SEARCH = ['"exact phrase" -foo site:example.com', 'c++ "std::vector" erase', 'shoes size 10 "red" OR "blue"',
          "o'reilly books", "rock 'n' roll", "women's jackets -leather", "ps5 (disc OR digital)",
          '"don\'t stop believin"', "1/2 inch drill bit", "dell xps 13\" 2023", "tom & jerry dvd",
          "salt & pepper grinder", "select comfort mattress", "union square hotels",
          "drop earrings gold", "insert coin arcade", "update iphone ios 17", "delete facebook account",
          "table & chairs set", "order by phone", "sleep apnea mask", "user manual pdf",
          "cat food (grain free)", "echo dot 5th gen", "find my phone", "more like this",
          "python list comprehension if else", "how to exit vim", "what does 1=1 mean",
          "3' x 5' rug", "\"where are you\" lyrics", "or nothing at all", "and then there were none"]

PASSWORDS = ["P@ss'w0rd;--", "correct horse battery staple", "hunter2!", "S3cr3t&Pass", "a'b\"c;d--e",
             "Tr0ub4dor&3", "p4$$w0rd!", "letmein;123", "--Qwerty--", "xX_'drop'_Xx", "1' or '1",
             "pass|word", "my$ecret`pw`", "Zaq1@wsx#", "(hello)world!", "==base64==", "admin123",
             "P@ssw0rd--", "o'malley2020", "#1Dad&Mom", "semi;colon;pass", "~!@#$%^&*()_+"]

HTML = ['<p>Hello <b>world</b>!</p>', '<p>See <a href="https://example.com/docs?x=1&amp;y=2">the docs</a>.</p>',
        '<img alt="A cat" src="https://cdn.example.com/cat.jpg" width="300">',
        '<ul><li>One</li><li>Two &amp; three</li></ul>', '<h2>Prices</h2><table><tr><td>$5</td></tr></table>',
        '<p style="color: red; font-weight: bold">Warning</p>', '<blockquote>To be or not to be</blockquote>',
        '<a href="/about" title="About us">About</a>', '<a href="mailto:info@example.com">Mail us</a>',
        '<p>5 &lt; 6 and 7 &gt; 3</p>', '<em>really</em> <i>good</i> <u>stuff</u>', '<br/>line<br />break',
        '<p class="lead">Welcome to our <strong>new</strong> store!</p>',
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" alt="dot">',
        '<a href="https://shop.example.com/item?id=42&ref=home">Buy</a>', '<code>x &lt;= y</code>',
        '<div align="center"><font size="2">old school</font></div>', '<hr><small>© 2024</small>',
        '<ol start="3"><li>three</li></ol>', '<p><a href="#top">Back to top</a></p>']

API = ["550e8400-e29b-41d4-a716-446655440000", "2024-03-15T10:30:00Z", "2024-03-15 10:30:00+01:00",
       "alice@example.com", "bob.o'hara@example.co.uk", "https://example.com/search?q=shoes&page=2",
       "https://example.com/a/b/c?x=1&y=2#frag", "$1,299.99", "EUR 12,50", "v2.3.1-beta+exp.sha.5114f85",
       "/home/alice/docs/report-2024.pdf", "C:\\Users\\alice\\Documents\\notes.txt", "./src/main.cpp",
       "../README.md", "image/png", "application/json; charset=utf-8", "en-US,en;q=0.9,fr;q=0.8",
       "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
       "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
       '{"name":"O\'Brien","tags":["a","b"]}', "+1 (555) 123-4567", "+44 20 7946 0958",
       "SW1A 1AA", "90210-1234", "GB82 WEST 1234 5698 7654 32", "4111-1111-1111-1111",
       "#ff8800", "rgba(0, 0, 0, 0.5)", "calc(100% - 2rem)", "1e-9", "-42", "3.14159", "0x1F",
       "a=1&b=2&c=3", "key: value", "user_id=42;session=abc", "Tue, 15 Nov 1994 08:12:31 GMT",
       "SELECT", "drop", "union", "NULL", "true", "N/A", "TBD", "--", "n/a (see notes)",
       "/api/v1/users/42/orders?limit=10", "s3://bucket/path/to/object.json", "git@github.com:org/repo.git",
       "file.tar.gz", "résumé.docx", "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/",
       "10.0.0.1", "2001:db8::1", "192.168.1.0/24", "localhost:8080", "*.example.com", "~/projects",
       "0 */5 * * *", "Mon-Fri 9:00-17:00", "50% off", "100%", "a < b", "x > 0 && y < 10",
       "(555) 010-9999 ext. 2", "Section 3(b)(ii)", "Smith, J. (2020). Title. Journal, 3(2), 1-10."]


def values():
    out = []
    out += NAMES
    out += PROSE
    out += FORUM
    out += SEARCH
    out += PASSWORDS
    out += HTML
    out += API
    # Names and prose in sentences and JSON-ish fields: more of the shapes
    # that carry apostrophes and quotes.
    rng = random.Random(13)
    templates = ["Hi {n}, your order has shipped.", "{n} wrote: \"{p}\"", "Review by {n}: {p}",
                 "Contact: {n} <{e}>", "{n} (team lead) -- {p}", "Re: {p}", "Fwd: {n}'s notes",
                 "{n}'s review: {s}", "Q: {s}? A: {p}"]
    emails = ["x@example.com", "first.last@example.org", "o'hara@example.ie"]
    for t, n in itertools.product(templates, NAMES[:12]):
        out.append(t.format(n=n, p=rng.choice(PROSE), e=rng.choice(emails), s=rng.choice(SEARCH)))
    for a, b in itertools.product(PROSE[:25], PROSE[25:40]):
        if rng.random() < 0.3:
            out.append(a + " " + b)
    return out
