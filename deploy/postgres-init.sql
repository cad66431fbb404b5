-- Each service owns its own database (DESIGN.md section 1).
CREATE DATABASE documents;
CREATE DATABASE feedback;
CREATE DATABASE aggregator;
