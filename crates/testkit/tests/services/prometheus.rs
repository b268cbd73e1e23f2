use testkit::{Prometheus, Series};

async fn instant(base: &str, query: &str) -> serde_json::Value {
    let resp = reqwest::Client::new()
        .get(format!("{base}/api/v1/query"))
        .query(&[("query", query)])
        .send()
        .await
        .expect("query request");
    assert!(resp.status().is_success(), "status {}", resp.status());
    resp.json().await.expect("JSON answer")
}

#[tokio::test]
async fn an_instant_query_returns_the_loaded_series_counts() {
    let mut series = Series::many("busflow_llm_tokens_total", "tenant_id", 37);
    series.extend(Series::many("busflow_jobs", "queue", 5));
    series.push(Series::new("up").label("job", "node").value(1.0));
    let prom = Prometheus::start(series).expect("Prometheus starts");
    let answer = instant(
        prom.base_url(),
        r#"count by (__name__)({__name__=~"busflow_llm_tokens_total|busflow_jobs|up"})"#,
    )
    .await;
    assert_eq!(answer["status"], "success", "{answer}");
    let mut counts: Vec<(String, String)> = answer["data"]["result"]
        .as_array()
        .expect("vector result")
        .iter()
        .map(|s| {
            (
                s["metric"]["__name__"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                s["value"][1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    counts.sort();
    assert_eq!(
        counts,
        vec![
            ("busflow_jobs".to_owned(), "5".to_owned()),
            ("busflow_llm_tokens_total".to_owned(), "37".to_owned()),
            ("up".to_owned(), "1".to_owned()),
        ]
    );
}

#[tokio::test]
async fn an_empty_server_starts_and_answers() {
    let prom = Prometheus::start(Vec::new()).expect("Prometheus starts");
    let answer = instant(prom.base_url(), "vector(1)").await;
    assert_eq!(answer["data"]["result"][0]["value"][1], "1", "{answer}");
}
