//! docker/cli's stack file schema v3.13 as data (`cli/compose/schema/data/
//! config_schema_v3.13.json`, Apache-2.0, the schema `docker stack deploy`
//! and `docker stack config` validate against), written out from the
//! published file: every keyword it uses (`type`, `properties`,
//! `patternProperties`, `additionalProperties`, `items`, `uniqueItems`,
//! `oneOf`, `anyOf`, `required`, `enum`, `format`, `minimum`), definitions as
//! statics for `$ref`. The test `swarm_compose_012_the_schema_is_docker_clis`
//! turns it back into JSON and compares it with the published file.

use super::model::{Additional, Format, Pat, Schema, Ty};

/// The document.
pub(super) static ROOT: Schema = Schema {
    types: &[Ty::Object],
    properties: &[
        (
            "version",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "services",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(Pat::Name, &SERVICE)],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "networks",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(Pat::Name, &NETWORK)],
                ..Schema::ANY
            },
        ),
        (
            "volumes",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(Pat::Name, &VOLUME)],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "secrets",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(Pat::Name, &SECRET)],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "configs",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(Pat::Name, &CONFIG)],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
    ],
    patterns: &[(Pat::Extension, &Schema { ..Schema::ANY })],
    additional: Additional::Refused,
    ..Schema::ANY
};

/// `#/definitions/service`.
pub(super) static SERVICE: Schema = Schema {
    types: &[Ty::Object],
    properties: &[
        ("deploy", &DEPLOYMENT),
        (
            "build",
            &Schema {
                one_of: &[
                    &Schema {
                        types: &[Ty::String],
                        ..Schema::ANY
                    },
                    &Schema {
                        types: &[Ty::Object],
                        properties: &[
                            (
                                "context",
                                &Schema {
                                    types: &[Ty::String],
                                    ..Schema::ANY
                                },
                            ),
                            (
                                "dockerfile",
                                &Schema {
                                    types: &[Ty::String],
                                    ..Schema::ANY
                                },
                            ),
                            ("args", &LIST_OR_DICT),
                            ("labels", &LIST_OR_DICT),
                            ("cache_from", &LIST_OF_STRINGS),
                            (
                                "network",
                                &Schema {
                                    types: &[Ty::String],
                                    ..Schema::ANY
                                },
                            ),
                            (
                                "target",
                                &Schema {
                                    types: &[Ty::String],
                                    ..Schema::ANY
                                },
                            ),
                            (
                                "shm_size",
                                &Schema {
                                    types: &[Ty::Integer, Ty::String],
                                    ..Schema::ANY
                                },
                            ),
                            ("extra_hosts", &LIST_OR_DICT),
                        ],
                        additional: Additional::Allowed,
                        ..Schema::ANY
                    },
                ],
                ..Schema::ANY
            },
        ),
        (
            "cap_add",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    types: &[Ty::String],
                    ..Schema::ANY
                }),
                unique_items: true,
                ..Schema::ANY
            },
        ),
        (
            "cap_drop",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    types: &[Ty::String],
                    ..Schema::ANY
                }),
                unique_items: true,
                ..Schema::ANY
            },
        ),
        (
            "cgroupns_mode",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "cgroup_parent",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "command",
            &Schema {
                one_of: &[
                    &Schema {
                        types: &[Ty::String],
                        ..Schema::ANY
                    },
                    &Schema {
                        types: &[Ty::Array],
                        items: Some(&Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        }),
                        ..Schema::ANY
                    },
                ],
                ..Schema::ANY
            },
        ),
        (
            "configs",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    one_of: &[
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "source",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "target",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "uid",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "gid",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "mode",
                                    &Schema {
                                        types: &[Ty::Number],
                                        ..Schema::ANY
                                    },
                                ),
                            ],
                            ..Schema::ANY
                        },
                    ],
                    ..Schema::ANY
                }),
                ..Schema::ANY
            },
        ),
        (
            "container_name",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "credential_spec",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "config",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "file",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "registry",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        ("depends_on", &LIST_OF_STRINGS),
        (
            "devices",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    types: &[Ty::String],
                    ..Schema::ANY
                }),
                unique_items: true,
                ..Schema::ANY
            },
        ),
        ("dns", &STRING_OR_LIST),
        ("dns_search", &STRING_OR_LIST),
        (
            "domainname",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "entrypoint",
            &Schema {
                one_of: &[
                    &Schema {
                        types: &[Ty::String],
                        ..Schema::ANY
                    },
                    &Schema {
                        types: &[Ty::Array],
                        items: Some(&Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        }),
                        ..Schema::ANY
                    },
                ],
                ..Schema::ANY
            },
        ),
        ("env_file", &STRING_OR_LIST),
        ("environment", &LIST_OR_DICT),
        (
            "expose",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    types: &[Ty::String, Ty::Number],
                    format: Some(Format::Expose),
                    ..Schema::ANY
                }),
                unique_items: true,
                ..Schema::ANY
            },
        ),
        (
            "external_links",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    types: &[Ty::String],
                    ..Schema::ANY
                }),
                unique_items: true,
                ..Schema::ANY
            },
        ),
        ("extra_hosts", &LIST_OR_DICT),
        ("healthcheck", &HEALTHCHECK),
        (
            "hostname",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "image",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "init",
            &Schema {
                types: &[Ty::Boolean],
                ..Schema::ANY
            },
        ),
        (
            "ipc",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "isolation",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        ("labels", &LIST_OR_DICT),
        (
            "links",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    types: &[Ty::String],
                    ..Schema::ANY
                }),
                unique_items: true,
                ..Schema::ANY
            },
        ),
        (
            "logging",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "driver",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "options",
                        &Schema {
                            types: &[Ty::Object],
                            patterns: &[(
                                Pat::NonEmpty,
                                &Schema {
                                    types: &[Ty::String, Ty::Number, Ty::Null],
                                    ..Schema::ANY
                                },
                            )],
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "mac_address",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "network_mode",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "networks",
            &Schema {
                one_of: &[
                    &LIST_OF_STRINGS,
                    &Schema {
                        types: &[Ty::Object],
                        patterns: &[(
                            Pat::Name,
                            &Schema {
                                one_of: &[
                                    &Schema {
                                        types: &[Ty::Object],
                                        properties: &[
                                            ("aliases", &LIST_OF_STRINGS),
                                            (
                                                "driver_opts",
                                                &Schema {
                                                    types: &[Ty::Object],
                                                    patterns: &[(
                                                        Pat::NonEmpty,
                                                        &Schema {
                                                            types: &[Ty::String, Ty::Number],
                                                            ..Schema::ANY
                                                        },
                                                    )],
                                                    ..Schema::ANY
                                                },
                                            ),
                                            (
                                                "ipv4_address",
                                                &Schema {
                                                    types: &[Ty::String],
                                                    ..Schema::ANY
                                                },
                                            ),
                                            (
                                                "ipv6_address",
                                                &Schema {
                                                    types: &[Ty::String],
                                                    ..Schema::ANY
                                                },
                                            ),
                                        ],
                                        additional: Additional::Refused,
                                        ..Schema::ANY
                                    },
                                    &Schema {
                                        types: &[Ty::Null],
                                        ..Schema::ANY
                                    },
                                ],
                                ..Schema::ANY
                            },
                        )],
                        additional: Additional::Refused,
                        ..Schema::ANY
                    },
                ],
                ..Schema::ANY
            },
        ),
        (
            "pid",
            &Schema {
                types: &[Ty::String, Ty::Null],
                ..Schema::ANY
            },
        ),
        (
            "ports",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    one_of: &[
                        &Schema {
                            types: &[Ty::Number],
                            format: Some(Format::Ports),
                            ..Schema::ANY
                        },
                        &Schema {
                            types: &[Ty::String],
                            format: Some(Format::Ports),
                            ..Schema::ANY
                        },
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "mode",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "target",
                                    &Schema {
                                        types: &[Ty::Integer],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "published",
                                    &Schema {
                                        types: &[Ty::Integer],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "protocol",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                            ],
                            additional: Additional::Refused,
                            ..Schema::ANY
                        },
                    ],
                    ..Schema::ANY
                }),
                unique_items: true,
                ..Schema::ANY
            },
        ),
        (
            "privileged",
            &Schema {
                types: &[Ty::Boolean],
                ..Schema::ANY
            },
        ),
        (
            "read_only",
            &Schema {
                types: &[Ty::Boolean],
                ..Schema::ANY
            },
        ),
        (
            "restart",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "security_opt",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    types: &[Ty::String],
                    ..Schema::ANY
                }),
                unique_items: true,
                ..Schema::ANY
            },
        ),
        (
            "shm_size",
            &Schema {
                types: &[Ty::Number, Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "secrets",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    one_of: &[
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "source",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "target",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "uid",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "gid",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "mode",
                                    &Schema {
                                        types: &[Ty::Number],
                                        ..Schema::ANY
                                    },
                                ),
                            ],
                            ..Schema::ANY
                        },
                    ],
                    ..Schema::ANY
                }),
                ..Schema::ANY
            },
        ),
        ("sysctls", &LIST_OR_DICT),
        (
            "stdin_open",
            &Schema {
                types: &[Ty::Boolean],
                ..Schema::ANY
            },
        ),
        (
            "stop_grace_period",
            &Schema {
                types: &[Ty::String],
                format: Some(Format::Duration),
                ..Schema::ANY
            },
        ),
        (
            "stop_signal",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        ("tmpfs", &STRING_OR_LIST),
        (
            "tty",
            &Schema {
                types: &[Ty::Boolean],
                ..Schema::ANY
            },
        ),
        (
            "ulimits",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(
                    Pat::Lowercase,
                    &Schema {
                        one_of: &[
                            &Schema {
                                types: &[Ty::Integer],
                                ..Schema::ANY
                            },
                            &Schema {
                                types: &[Ty::Object],
                                properties: &[
                                    (
                                        "hard",
                                        &Schema {
                                            types: &[Ty::Integer],
                                            ..Schema::ANY
                                        },
                                    ),
                                    (
                                        "soft",
                                        &Schema {
                                            types: &[Ty::Integer],
                                            ..Schema::ANY
                                        },
                                    ),
                                ],
                                additional: Additional::Refused,
                                required: &["soft", "hard"],
                                ..Schema::ANY
                            },
                        ],
                        ..Schema::ANY
                    },
                )],
                ..Schema::ANY
            },
        ),
        (
            "oom_score_adj",
            &Schema {
                types: &[Ty::Integer],
                ..Schema::ANY
            },
        ),
        (
            "user",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "userns_mode",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "volumes",
            &Schema {
                types: &[Ty::Array],
                items: Some(&Schema {
                    unique_items: true,
                    one_of: &[
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "type",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "source",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "target",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "read_only",
                                    &Schema {
                                        types: &[Ty::Boolean],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "consistency",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "bind",
                                    &Schema {
                                        types: &[Ty::Object],
                                        properties: &[(
                                            "propagation",
                                            &Schema {
                                                types: &[Ty::String],
                                                ..Schema::ANY
                                            },
                                        )],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "volume",
                                    &Schema {
                                        types: &[Ty::Object],
                                        properties: &[(
                                            "nocopy",
                                            &Schema {
                                                types: &[Ty::Boolean],
                                                ..Schema::ANY
                                            },
                                        )],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "tmpfs",
                                    &Schema {
                                        types: &[Ty::Object],
                                        properties: &[(
                                            "size",
                                            &Schema {
                                                types: &[Ty::Integer],
                                                minimum: Some(0),
                                                ..Schema::ANY
                                            },
                                        )],
                                        ..Schema::ANY
                                    },
                                ),
                            ],
                            additional: Additional::Refused,
                            required: &["type"],
                            ..Schema::ANY
                        },
                    ],
                    ..Schema::ANY
                }),
                ..Schema::ANY
            },
        ),
        (
            "working_dir",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
    ],
    patterns: &[(Pat::Extension, &Schema { ..Schema::ANY })],
    additional: Additional::Refused,
    ..Schema::ANY
};

/// `#/definitions/healthcheck`.
pub(super) static HEALTHCHECK: Schema = Schema {
    types: &[Ty::Object],
    properties: &[
        (
            "disable",
            &Schema {
                types: &[Ty::Boolean],
                ..Schema::ANY
            },
        ),
        (
            "interval",
            &Schema {
                types: &[Ty::String],
                format: Some(Format::Duration),
                ..Schema::ANY
            },
        ),
        (
            "retries",
            &Schema {
                types: &[Ty::Number],
                ..Schema::ANY
            },
        ),
        (
            "test",
            &Schema {
                one_of: &[
                    &Schema {
                        types: &[Ty::String],
                        ..Schema::ANY
                    },
                    &Schema {
                        types: &[Ty::Array],
                        items: Some(&Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        }),
                        ..Schema::ANY
                    },
                ],
                ..Schema::ANY
            },
        ),
        (
            "timeout",
            &Schema {
                types: &[Ty::String],
                format: Some(Format::Duration),
                ..Schema::ANY
            },
        ),
        (
            "start_period",
            &Schema {
                types: &[Ty::String],
                format: Some(Format::Duration),
                ..Schema::ANY
            },
        ),
        (
            "start_interval",
            &Schema {
                types: &[Ty::String],
                format: Some(Format::Duration),
                ..Schema::ANY
            },
        ),
    ],
    additional: Additional::Refused,
    ..Schema::ANY
};

/// `#/definitions/deployment`.
pub(super) static DEPLOYMENT: Schema = Schema {
    types: &[Ty::Object, Ty::Null],
    properties: &[
        (
            "mode",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "endpoint_mode",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "replicas",
            &Schema {
                types: &[Ty::Integer],
                ..Schema::ANY
            },
        ),
        ("labels", &LIST_OR_DICT),
        (
            "rollback_config",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "parallelism",
                        &Schema {
                            types: &[Ty::Integer],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "delay",
                        &Schema {
                            types: &[Ty::String],
                            format: Some(Format::Duration),
                            ..Schema::ANY
                        },
                    ),
                    (
                        "failure_action",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "monitor",
                        &Schema {
                            types: &[Ty::String],
                            format: Some(Format::Duration),
                            ..Schema::ANY
                        },
                    ),
                    (
                        "max_failure_ratio",
                        &Schema {
                            types: &[Ty::Number],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "order",
                        &Schema {
                            types: &[Ty::String],
                            enumeration: &["start-first", "stop-first"],
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "update_config",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "parallelism",
                        &Schema {
                            types: &[Ty::Integer],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "delay",
                        &Schema {
                            types: &[Ty::String],
                            format: Some(Format::Duration),
                            ..Schema::ANY
                        },
                    ),
                    (
                        "failure_action",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "monitor",
                        &Schema {
                            types: &[Ty::String],
                            format: Some(Format::Duration),
                            ..Schema::ANY
                        },
                    ),
                    (
                        "max_failure_ratio",
                        &Schema {
                            types: &[Ty::Number],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "order",
                        &Schema {
                            types: &[Ty::String],
                            enumeration: &["start-first", "stop-first"],
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "resources",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "limits",
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "cpus",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "memory",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "pids",
                                    &Schema {
                                        types: &[Ty::Integer],
                                        ..Schema::ANY
                                    },
                                ),
                            ],
                            additional: Additional::Refused,
                            ..Schema::ANY
                        },
                    ),
                    (
                        "reservations",
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "cpus",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "memory",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                ("generic_resources", &GENERIC_RESOURCES),
                            ],
                            additional: Additional::Refused,
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "restart_policy",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "condition",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "delay",
                        &Schema {
                            types: &[Ty::String],
                            format: Some(Format::Duration),
                            ..Schema::ANY
                        },
                    ),
                    (
                        "max_attempts",
                        &Schema {
                            types: &[Ty::Integer],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "window",
                        &Schema {
                            types: &[Ty::String],
                            format: Some(Format::Duration),
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "placement",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "constraints",
                        &Schema {
                            types: &[Ty::Array],
                            items: Some(&Schema {
                                types: &[Ty::String],
                                ..Schema::ANY
                            }),
                            ..Schema::ANY
                        },
                    ),
                    (
                        "preferences",
                        &Schema {
                            types: &[Ty::Array],
                            items: Some(&Schema {
                                types: &[Ty::Object],
                                properties: &[(
                                    "spread",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                )],
                                additional: Additional::Refused,
                                ..Schema::ANY
                            }),
                            ..Schema::ANY
                        },
                    ),
                    (
                        "max_replicas_per_node",
                        &Schema {
                            types: &[Ty::Integer],
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
    ],
    additional: Additional::Refused,
    ..Schema::ANY
};

/// `#/definitions/generic_resources`.
pub(super) static GENERIC_RESOURCES: Schema = Schema {
    types: &[Ty::Array],
    items: Some(&Schema {
        types: &[Ty::Object],
        properties: &[(
            "discrete_resource_spec",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "kind",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "value",
                        &Schema {
                            types: &[Ty::Number],
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        )],
        additional: Additional::Refused,
        ..Schema::ANY
    }),
    ..Schema::ANY
};

/// `#/definitions/network`.
pub(super) static NETWORK: Schema = Schema {
    types: &[Ty::Object, Ty::Null],
    properties: &[
        (
            "name",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "driver",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "driver_opts",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(
                    Pat::NonEmpty,
                    &Schema {
                        types: &[Ty::String, Ty::Number],
                        ..Schema::ANY
                    },
                )],
                ..Schema::ANY
            },
        ),
        (
            "ipam",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "driver",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "config",
                        &Schema {
                            types: &[Ty::Array],
                            items: Some(&Schema {
                                types: &[Ty::Object],
                                properties: &[(
                                    "subnet",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                )],
                                additional: Additional::Refused,
                                ..Schema::ANY
                            }),
                            ..Schema::ANY
                        },
                    ),
                ],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "external",
            &Schema {
                types: &[Ty::Boolean, Ty::Object],
                properties: &[(
                    "name",
                    &Schema {
                        types: &[Ty::String],
                        ..Schema::ANY
                    },
                )],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        (
            "internal",
            &Schema {
                types: &[Ty::Boolean],
                ..Schema::ANY
            },
        ),
        (
            "attachable",
            &Schema {
                types: &[Ty::Boolean],
                ..Schema::ANY
            },
        ),
        ("labels", &LIST_OR_DICT),
    ],
    patterns: &[(Pat::Extension, &Schema { ..Schema::ANY })],
    additional: Additional::Refused,
    ..Schema::ANY
};

/// `#/definitions/volume`.
pub(super) static VOLUME: Schema = Schema {
    types: &[Ty::Object, Ty::Null],
    properties: &[
        (
            "name",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "driver",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "driver_opts",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(
                    Pat::NonEmpty,
                    &Schema {
                        types: &[Ty::String, Ty::Number],
                        ..Schema::ANY
                    },
                )],
                ..Schema::ANY
            },
        ),
        (
            "external",
            &Schema {
                types: &[Ty::Boolean, Ty::Object],
                properties: &[(
                    "name",
                    &Schema {
                        types: &[Ty::String],
                        ..Schema::ANY
                    },
                )],
                additional: Additional::Refused,
                ..Schema::ANY
            },
        ),
        ("labels", &LIST_OR_DICT),
        (
            "x-cluster-spec",
            &Schema {
                types: &[Ty::Object],
                properties: &[
                    (
                        "group",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "access_mode",
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "scope",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "sharing",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "block_volume",
                                    &Schema {
                                        types: &[Ty::Object],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "mount_volume",
                                    &Schema {
                                        types: &[Ty::Object],
                                        properties: &[
                                            (
                                                "fs_type",
                                                &Schema {
                                                    types: &[Ty::String],
                                                    ..Schema::ANY
                                                },
                                            ),
                                            (
                                                "mount_flags",
                                                &Schema {
                                                    types: &[Ty::Array],
                                                    items: Some(&Schema {
                                                        types: &[Ty::String],
                                                        ..Schema::ANY
                                                    }),
                                                    ..Schema::ANY
                                                },
                                            ),
                                        ],
                                        ..Schema::ANY
                                    },
                                ),
                            ],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "accessibility_requirements",
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "requisite",
                                    &Schema {
                                        types: &[Ty::Array],
                                        items: Some(&Schema {
                                            types: &[Ty::Object],
                                            properties: &[("segments", &LIST_OR_DICT)],
                                            ..Schema::ANY
                                        }),
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "preferred",
                                    &Schema {
                                        types: &[Ty::Array],
                                        items: Some(&Schema {
                                            types: &[Ty::Object],
                                            properties: &[("segments", &LIST_OR_DICT)],
                                            ..Schema::ANY
                                        }),
                                        ..Schema::ANY
                                    },
                                ),
                            ],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "capacity_range",
                        &Schema {
                            types: &[Ty::Object],
                            properties: &[
                                (
                                    "required_bytes",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                                (
                                    "limit_bytes",
                                    &Schema {
                                        types: &[Ty::String],
                                        ..Schema::ANY
                                    },
                                ),
                            ],
                            ..Schema::ANY
                        },
                    ),
                    (
                        "availability",
                        &Schema {
                            types: &[Ty::String],
                            ..Schema::ANY
                        },
                    ),
                ],
                ..Schema::ANY
            },
        ),
    ],
    patterns: &[(Pat::Extension, &Schema { ..Schema::ANY })],
    additional: Additional::Refused,
    ..Schema::ANY
};

/// `#/definitions/secret`.
pub(super) static SECRET: Schema = Schema {
    types: &[Ty::Object],
    properties: &[
        (
            "name",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "file",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "external",
            &Schema {
                types: &[Ty::Boolean, Ty::Object],
                properties: &[(
                    "name",
                    &Schema {
                        types: &[Ty::String],
                        ..Schema::ANY
                    },
                )],
                ..Schema::ANY
            },
        ),
        ("labels", &LIST_OR_DICT),
        (
            "driver",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "driver_opts",
            &Schema {
                types: &[Ty::Object],
                patterns: &[(
                    Pat::NonEmpty,
                    &Schema {
                        types: &[Ty::String, Ty::Number],
                        ..Schema::ANY
                    },
                )],
                ..Schema::ANY
            },
        ),
        (
            "template_driver",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
    ],
    patterns: &[(Pat::Extension, &Schema { ..Schema::ANY })],
    additional: Additional::Refused,
    ..Schema::ANY
};

/// `#/definitions/config`.
pub(super) static CONFIG: Schema = Schema {
    types: &[Ty::Object],
    properties: &[
        (
            "name",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "file",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
        (
            "external",
            &Schema {
                types: &[Ty::Boolean, Ty::Object],
                properties: &[(
                    "name",
                    &Schema {
                        types: &[Ty::String],
                        ..Schema::ANY
                    },
                )],
                ..Schema::ANY
            },
        ),
        ("labels", &LIST_OR_DICT),
        (
            "template_driver",
            &Schema {
                types: &[Ty::String],
                ..Schema::ANY
            },
        ),
    ],
    patterns: &[(Pat::Extension, &Schema { ..Schema::ANY })],
    additional: Additional::Refused,
    ..Schema::ANY
};

/// `#/definitions/string_or_list`.
pub(super) static STRING_OR_LIST: Schema = Schema {
    one_of: &[
        &Schema {
            types: &[Ty::String],
            ..Schema::ANY
        },
        &LIST_OF_STRINGS,
    ],
    ..Schema::ANY
};

/// `#/definitions/list_of_strings`.
pub(super) static LIST_OF_STRINGS: Schema = Schema {
    types: &[Ty::Array],
    items: Some(&Schema {
        types: &[Ty::String],
        ..Schema::ANY
    }),
    unique_items: true,
    ..Schema::ANY
};

/// `#/definitions/list_or_dict`.
pub(super) static LIST_OR_DICT: Schema = Schema {
    one_of: &[
        &Schema {
            types: &[Ty::Object],
            patterns: &[(
                Pat::NonEmptyAnywhere,
                &Schema {
                    types: &[Ty::String, Ty::Number, Ty::Null],
                    ..Schema::ANY
                },
            )],
            additional: Additional::Refused,
            ..Schema::ANY
        },
        &Schema {
            types: &[Ty::Array],
            items: Some(&Schema {
                types: &[Ty::String],
                ..Schema::ANY
            }),
            unique_items: true,
            ..Schema::ANY
        },
    ],
    ..Schema::ANY
};
