<?php
/**
 * Plugin Name: Loupe test fake of WooCommerce's product API
 * Description: Serves GET /wc/v3/products and /wc/v3/products/<id> as WooCommerce's REST API v3 documents them,
 * from products stored as WooCommerce stores them (a `product` post type, `_sku`, `product_cat`, the featured
 * image then `_product_image_gallery`). WooCommerce itself is not packaged for Debian; this is a must-use plugin
 * that test/woocommerce-fake.ts drops into the test site, so the product endpoints live on the same real site.
 */

add_action('init', function () {
    register_post_type('product', ['public' => true, 'label' => 'Products', 'show_in_rest' => false]);
    register_taxonomy('product_cat', 'product', ['public' => true, 'label' => 'Product categories', 'show_in_rest' => false]);
});

function loupe_fake_wc_date($mysql_gmt) {
    return $mysql_gmt && $mysql_gmt !== '0000-00-00 00:00:00' ? str_replace(' ', 'T', $mysql_gmt) : null;
}

/** One product as WooCommerce's v3 products controller answers it (the fields Loupe reads, and a few beside). */
function loupe_fake_wc_product($post) {
    $image_ids = [];
    $featured = (int) get_post_thumbnail_id($post);
    if ($featured) $image_ids[] = $featured;
    $gallery = array_filter(array_map('intval', explode(',', (string) get_post_meta($post->ID, '_product_image_gallery', true))));
    $image_ids = array_merge($image_ids, $gallery);
    $images = [];
    foreach ($image_ids as $attachment_id) {
        $attachment = get_post($attachment_id);
        if (!$attachment) continue;
        $images[] = [
            'id' => $attachment_id,
            'date_created' => str_replace(' ', 'T', $attachment->post_date),
            'date_created_gmt' => loupe_fake_wc_date($attachment->post_date_gmt),
            'date_modified' => str_replace(' ', 'T', $attachment->post_modified),
            'date_modified_gmt' => loupe_fake_wc_date($attachment->post_modified_gmt),
            'src' => wp_get_attachment_url($attachment_id),
            'name' => get_the_title($attachment_id),
            'alt' => (string) get_post_meta($attachment_id, '_wp_attachment_image_alt', true),
        ];
    }
    $categories = [];
    foreach (wp_get_post_terms($post->ID, 'product_cat') as $term) {
        $categories[] = ['id' => $term->term_id, 'name' => $term->name, 'slug' => $term->slug];
    }
    return [
        'id' => $post->ID,
        'name' => $post->post_title,
        'slug' => $post->post_name,
        'permalink' => get_permalink($post),
        'date_created' => str_replace(' ', 'T', $post->post_date),
        'date_created_gmt' => loupe_fake_wc_date($post->post_date_gmt),
        'date_modified' => str_replace(' ', 'T', $post->post_modified),
        'date_modified_gmt' => loupe_fake_wc_date($post->post_modified_gmt),
        'type' => 'simple',
        'status' => $post->post_status,
        'sku' => (string) get_post_meta($post->ID, '_sku', true),
        'categories' => $categories,
        'images' => $images,
    ];
}

/** WooCommerce checks its own capability; the fake asks for what a shop manager or an editor of the shop has. */
function loupe_fake_wc_permission() {
    if (current_user_can('edit_posts')) return true;
    return new WP_Error('woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.', ['status' => rest_authorization_required_code()]);
}

add_action('rest_api_init', function () {
    register_rest_route('wc/v3', '/products', [
        'methods' => 'GET',
        'permission_callback' => 'loupe_fake_wc_permission',
        'args' => [
            'page' => ['type' => 'integer', 'default' => 1, 'minimum' => 1],
            'per_page' => ['type' => 'integer', 'default' => 10, 'minimum' => 1, 'maximum' => 100],
        ],
        'callback' => function (WP_REST_Request $request) {
            $query = new WP_Query([
                'post_type' => 'product',
                'post_status' => 'publish',
                'posts_per_page' => $request['per_page'],
                'paged' => $request['page'],
                'orderby' => 'ID',
                'order' => 'ASC',
            ]);
            $response = rest_ensure_response(array_map('loupe_fake_wc_product', $query->posts));
            $response->header('X-WP-Total', (int) $query->found_posts);
            $response->header('X-WP-TotalPages', (int) ceil($query->found_posts / $request['per_page']));
            return $response;
        },
    ]);
    register_rest_route('wc/v3', '/products/(?P<id>\d+)', [
        'methods' => 'GET',
        'permission_callback' => 'loupe_fake_wc_permission',
        'callback' => function (WP_REST_Request $request) {
            $post = get_post((int) $request['id']);
            if (!$post || $post->post_type !== 'product') {
                return new WP_Error('woocommerce_rest_product_invalid_id', 'Invalid ID.', ['status' => 404]);
            }
            return loupe_fake_wc_product($post);
        },
    ]);
});
