# syntax=docker/dockerfile:1
# Brücke in a container: `docker build -t brucke .` then, for a look at the demo,
#   docker run --init -p 8080:8080 -v brucke-data:/var/lib/brucke brucke
# Production settings, secrets and the metrics token: docs/operator-guide.md, section "Container".

# --- build: native modules (better-sqlite3, pkcs11js) need python3, make and g++ -----------------
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/brucke
COPY package.json package-lock.json ./
# Runtime dependencies only. tsx is one of them: Brücke runs its TypeScript through tsx's loader
# (bin/brucke.js), there is no build step and no dist/ to copy.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime: no compiler, no package manager cache, not root ------------------------------------
FROM node:20-bookworm-slim
# DejaVu Sans: the person's PDFs (receipt, export) embed it from /usr/share/fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 brucke \
 && useradd --system --uid 10001 --gid brucke --home-dir /var/lib/brucke --shell /usr/sbin/nologin brucke \
 && mkdir -p /var/lib/brucke \
 && chown brucke:brucke /var/lib/brucke \
 && chmod 0700 /var/lib/brucke
WORKDIR /opt/brucke
# The code belongs to root: the service user reads it but cannot rewrite what it runs.
COPY --from=build /opt/brucke/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY accounts ./accounts
COPY audit ./audit
COPY config ./config
COPY consent ./consent
COPY crypto ./crypto
COPY db ./db
COPY errors ./errors
COPY gateway ./gateway
COPY templates ./templates
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    SMTP_INGRESS_PORT=2525 \
    INBOUND_SMTP_PORT=2526 \
    BRUCKE_DATA_DIR=/var/lib/brucke
# Data directory: the SQLite database, the generated demo secrets, the catch-all mail.
VOLUME ["/var/lib/brucke"]
# 8080: HTTP (put a TLS-terminating reverse proxy in front); 2525: SMTP ingress (STARTTLS);
# 2526: inbound S/MIME from partner gateways (STARTTLS).
EXPOSE 8080 2525 2526
USER brucke:brucke
# Liveness only (the process answers HTTP). No curl in the slim image: Node's own fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/api/v1/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/brucke.js"]
CMD ["serve"]
