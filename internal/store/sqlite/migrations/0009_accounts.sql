-- Who the customer is: companies, tenants, tiers, customer groups and
-- customer cards. Companies, tenants and tiers are deleted softly: rows
-- refer to them freely (threads, customers, memberships) and read a
-- deleted one as none, so deleting one never rewrites an unbounded number
-- of rows. Thread lists filter on tenant and tier through their own
-- indexes, in creation order.
CREATE TABLE companies (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces (id),
    name             TEXT NOT NULL,
    domain_name      TEXT NOT NULL,
    contract_value   BIGINT,
    account_owner_id TEXT,
    deleted_at       BIGINT,
    deleted_by       TEXT,
    created_at       BIGINT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       BIGINT NOT NULL,
    updated_by       TEXT NOT NULL
);
CREATE UNIQUE INDEX companies_domain ON companies (workspace_id, domain_name) WHERE deleted_at IS NULL;
CREATE INDEX companies_by_workspace ON companies (workspace_id, id);

ALTER TABLE customers ADD COLUMN company_id TEXT REFERENCES companies (id);
CREATE INDEX customers_by_company ON customers (workspace_id, company_id, full_name, id);

CREATE TABLE tenants (
    id                          TEXT PRIMARY KEY,
    workspace_id                TEXT NOT NULL REFERENCES workspaces (id),
    external_id                 TEXT NOT NULL,
    name                        TEXT NOT NULL,
    url                         TEXT,
    primary_domain              TEXT,
    alternate_domains           TEXT NOT NULL,
    is_domain_auto_join_enabled BOOLEAN NOT NULL,
    source                      TEXT NOT NULL,
    deleted_at                  BIGINT,
    deleted_by                  TEXT,
    created_at                  BIGINT NOT NULL,
    created_by                  TEXT NOT NULL,
    updated_at                  BIGINT NOT NULL,
    updated_by                  TEXT NOT NULL
);
CREATE UNIQUE INDEX tenants_external_id ON tenants (workspace_id, external_id) WHERE deleted_at IS NULL;
CREATE INDEX tenants_by_workspace ON tenants (workspace_id, id);

CREATE TABLE customer_tenant_memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    PRIMARY KEY (customer_id, tenant_id)
);
CREATE INDEX customer_tenant_memberships_by_tenant ON customer_tenant_memberships (tenant_id, customer_id);

CREATE TABLE tiers (
    id                      TEXT PRIMARY KEY,
    workspace_id            TEXT NOT NULL REFERENCES workspaces (id),
    name                    TEXT NOT NULL,
    external_id             TEXT,
    color                   TEXT NOT NULL,
    default_thread_priority INTEGER NOT NULL,
    is_default              BOOLEAN NOT NULL,
    deleted_at              BIGINT,
    deleted_by              TEXT,
    created_at              BIGINT NOT NULL,
    created_by              TEXT NOT NULL,
    updated_at              BIGINT NOT NULL,
    updated_by              TEXT NOT NULL
);
CREATE UNIQUE INDEX tiers_external_id ON tiers (workspace_id, external_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX tiers_default ON tiers (workspace_id) WHERE is_default AND deleted_at IS NULL;
CREATE INDEX tiers_by_workspace ON tiers (workspace_id, id);

-- One membership per member (a tenant or a company): member ids are unique
-- across kinds (their prefixes differ).
CREATE TABLE tier_memberships (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    tier_id      TEXT NOT NULL REFERENCES tiers (id),
    member_kind  TEXT NOT NULL,
    member_id    TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    CONSTRAINT tier_memberships_member_key UNIQUE (workspace_id, member_id)
);
CREATE INDEX tier_memberships_by_tier ON tier_memberships (tier_id, id);

CREATE TABLE customer_groups (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    key          TEXT NOT NULL,
    color        TEXT NOT NULL,
    external_id  TEXT,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    CONSTRAINT customer_groups_key_key UNIQUE (workspace_id, key),
    CONSTRAINT customer_groups_external_id_key UNIQUE (workspace_id, external_id)
);
CREATE INDEX customer_groups_by_workspace ON customer_groups (workspace_id, id);

CREATE TABLE customer_group_memberships (
    workspace_id      TEXT NOT NULL REFERENCES workspaces (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    customer_group_id TEXT NOT NULL REFERENCES customer_groups (id) ON DELETE CASCADE,
    created_at        BIGINT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        BIGINT NOT NULL,
    updated_by        TEXT NOT NULL,
    PRIMARY KEY (customer_id, customer_group_id)
);
CREATE INDEX customer_group_memberships_by_group ON customer_group_memberships (customer_group_id, customer_id);

ALTER TABLE threads ADD COLUMN tier_id TEXT;
CREATE INDEX threads_by_tenant ON threads (workspace_id, tenant_id, created_at, id);
CREATE INDEX threads_by_tier ON threads (workspace_id, tier_id, created_at, id);

CREATE TABLE customer_card_configs (
    id                  TEXT PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces (id),
    title               TEXT NOT NULL,
    key                 TEXT NOT NULL,
    default_ttl_seconds INTEGER NOT NULL,
    api_url             TEXT NOT NULL,
    api_headers         TEXT NOT NULL,
    ord                 INTEGER NOT NULL,
    is_enabled          BOOLEAN NOT NULL,
    created_at          BIGINT NOT NULL,
    created_by          TEXT NOT NULL,
    updated_at          BIGINT NOT NULL,
    updated_by          TEXT NOT NULL,
    CONSTRAINT customer_card_configs_key_key UNIQUE (workspace_id, key)
);

-- The last load of each card for a customer, in a thread or not
-- (thread_key '' ); the instance of a deleted config goes with it.
CREATE TABLE customer_card_instances (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    config_id    TEXT NOT NULL REFERENCES customer_card_configs (id) ON DELETE CASCADE,
    customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    thread_key   TEXT NOT NULL,
    state        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    loaded_at    BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT NOT NULL,
    CONSTRAINT customer_card_instances_key UNIQUE (customer_id, thread_key, config_id)
);
CREATE INDEX customer_card_instances_by_config ON customer_card_instances (config_id);
