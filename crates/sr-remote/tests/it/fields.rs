//! Custom metadata fields: create, list (with deleted), update, delete, schema errors.

use serde_json::json;
use sr_imagekit::metadata::{FieldSchema, FieldType, NewField};
use sr_remote::*;

use crate::support::env;

fn price() -> NewField {
    NewField {
        name: "price".into(),
        label: "Price".into(),
        schema: FieldSchema {
            min_value: Some(json!(1)),
            max_value: Some(json!(3000)),
            ..FieldSchema::of_type(FieldType::Number)
        },
        description: Some("Retail price in EUR".into()),
    }
}

#[tokio::test]
async fn field_lifecycle() {
    let env = env().await;
    let c = &env.client;
    let created = c.create_custom_metadata_field(&price()).await.unwrap();
    assert_eq!(created.name, "price");
    assert_eq!(created.schema.field_type, FieldType::Number);
    assert_eq!(created.schema.max_value, Some(json!(3000)));
    assert_eq!(created.description.as_deref(), Some("Retail price in EUR"));

    let listed = c.list_custom_metadata_fields(false).await.unwrap();
    assert_eq!(listed.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), [created.id.as_str()]);

    let updated = c
        .update_custom_metadata_field(
            &created.id,
            &CustomMetadataFieldUpdate { label: Some("Retail price".into()), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(updated.label, "Retail price");
    assert_eq!(updated.schema.field_type, FieldType::Number);

    c.delete_custom_metadata_field(&created.id).await.unwrap();
    assert!(c.list_custom_metadata_fields(false).await.unwrap().is_empty());
    let with_deleted = c.list_custom_metadata_fields(true).await.unwrap();
    assert_eq!(with_deleted.len(), 1);

    // A deleted name can never be reused.
    let err = c.create_custom_metadata_field(&price()).await.unwrap_err();
    assert!(matches!(err, RemoteError::Validation { .. }), "{err:?}");
    assert!(matches!(c.delete_custom_metadata_field(&created.id).await, Err(RemoteError::NotFound { .. })));
    assert!(matches!(
        c.update_custom_metadata_field(
            "0123456789abcdef01234567",
            &CustomMetadataFieldUpdate { label: Some("x".into()), ..Default::default() }
        )
        .await,
        Err(RemoteError::NotFound { .. })
    ));
    env.shutdown().await;
}

#[tokio::test]
async fn an_invalid_schema_comes_back_with_per_property_errors() {
    let env = env().await;
    let bad = NewField {
        name: "sku".into(),
        label: "SKU".into(),
        schema: FieldSchema { min_value: Some(json!(3)), ..FieldSchema::of_type(FieldType::Text) },
        description: None,
    };
    match env.client.create_custom_metadata_field(&bad).await.unwrap_err() {
        RemoteError::Validation { message, errors: Some(errors), .. } => {
            assert_eq!(message, "Invalid field object");
            // The property is named, possibly with its path (`minValue` or `schema.minValue`).
            let keys: Vec<&String> = errors.as_object().expect("errors is an object").keys().collect();
            assert!(keys.iter().any(|k| k.ends_with("minValue")), "{errors}");
        }
        other => panic!("{other:?}"),
    }
    env.shutdown().await;
}
